#!/usr/bin/env node
import { dirname } from 'node:path';
import { runApp } from '@wattbus/config';
import { parseEnergyConfig } from '@wattbus/energy';
import { RollupConfigSchema } from './config.js';
import { RollupConsumer } from './consumer.js';

/** Price CSV paths are relative to the config file: the check learns where it is. */
let configDir = '.';

await runApp({
  name: 'wattbus-rollup',
  summary: 'Rolls readings up per channel (1 min, 15 min, 1 h, local day) with energy per tariff period and cost.',
  schema: RollupConfigSchema,
  check: (config, file) => {
    configDir = dirname(file);
    parseEnergyConfig(config.energy, { file, path: 'energy' });
  },
  start: async (config, log) => {
    const consumer = new RollupConsumer(config, log, configDir);
    await consumer.start();
    return () => consumer.stop();
  },
});
