#!/usr/bin/env node
import { runApp } from '@wattbus/config';
import { Broker } from './broker.js';
import { BrokerConfigSchema } from './config.js';

await runApp({
  name: 'wattbus-broker',
  summary: 'The embedded wattbus MQTT broker (Aedes).',
  schema: BrokerConfigSchema,
  start: async (config, log) => {
    const broker = new Broker(config, log);
    await broker.start();
    return () => broker.stop();
  },
});
