#!/usr/bin/env node
import { runApp } from '@wattbus/config';
import { InsightsConfigSchema } from './config.js';
import { InsightsConsumer } from './consumer.js';

await runApp({
  name: 'wattbus-insights',
  summary: "Forecasts each site's voltage excursions for the next hours from its hourly rollups.",
  schema: InsightsConfigSchema,
  start: async (config, log) => {
    const consumer = new InsightsConsumer(config, log);
    await consumer.start();
    return () => consumer.stop();
  },
});
