#!/usr/bin/env node
import { runApp } from '@wattbus/config';
import { Alerter } from './alerter.js';
import { AlerterConfigSchema } from './config.js';

await runApp({
  name: 'wattbus-alerter',
  summary: 'Watches the reading stream and publishes alerts (retained) per site and rule.',
  schema: AlerterConfigSchema,
  start: async (config, log) => {
    const alerter = new Alerter(config, log);
    await alerter.start();
    return () => alerter.stop();
  },
});
