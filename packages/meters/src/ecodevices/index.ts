import { defineDriver } from '../driver.js';
import { EcodevicesConfigSchema } from './config.js';
import { createEcodevicesMeter } from './driver.js';

export { type EcodevicesConfig, EcodevicesConfigSchema, type PulseCounterConfig } from './config.js';
export { createEcodevicesMeter, EcodevicesMeter } from './driver.js';

/** The `ecodevices` driver: a GCE Eco-devices teleinfo gateway through its JSON API. */
export const ecodevicesDriver = defineDriver({
  name: 'ecodevices',
  description:
    'GCE Eco-devices over HTTP (/api/xdevices.json?cmd=10): French teleinfo inputs T1/T2 as apparent power, ' +
    'energy index and tariff period, and optionally its pulse counters C1/C2.',
  configSchema: EcodevicesConfigSchema,
  create: createEcodevicesMeter,
});
