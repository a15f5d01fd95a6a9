#!/usr/bin/env node
import { runApp } from '@wattbus/config';
import { Broker } from './broker.js';
import { BrokerConfigSchema } from './config.js';
import { checkBrokerConfig } from './config-check.js';
import { runPasswd } from './passwd-command.js';

if (process.argv[2] === 'passwd') {
  process.exitCode = await runPasswd(process.argv.slice(3), process);
} else {
  await runApp({
    name: 'wattbus-broker',
    summary: 'The embedded wattbus MQTT broker (Aedes). `wattbus-broker passwd --help` manages its password file.',
    schema: BrokerConfigSchema,
    check: checkBrokerConfig,
    start: async (config, log) => {
      const broker = new Broker(config, log);
      await broker.start();
      const reload = () => {
        log.info('SIGHUP: reloading the password and ACL files and the certificates');
        void broker.reload();
      };
      process.on('SIGHUP', reload);
      return async () => {
        process.off('SIGHUP', reload);
        await broker.stop();
      };
    },
  });
}
