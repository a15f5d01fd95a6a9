#!/usr/bin/env node
import { runApp } from '@wattbus/config';
import { SinkWorkerConfigSchema } from './config.js';
import { SinkWorker } from './worker.js';

await runApp({
  name: 'wattbus-sink',
  summary: 'Subscribes to readings and writes them to the configured stores, acking after each write.',
  schema: SinkWorkerConfigSchema,
  start: async (config, log) => {
    const worker = new SinkWorker(config, log);
    await worker.start();
    return () => worker.stop();
  },
});
