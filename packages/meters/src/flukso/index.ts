import { defineDriver } from '../driver.js';
import { FluksoConfigSchema } from './config.js';
import { createFluksoMeter } from './driver.js';

export { type FluksoConfig, FluksoConfigSchema, type FluksoSensorConfig } from './config.js';
export { createFluksoMeter, FluksoMeter } from './driver.js';
export { FluksoHttpMeter } from './http-meter.js';

/** The `flukso` driver: a Fluksometer's sensors through its own MQTT broker or its local HTTP API. */
export const fluksoDriver = defineDriver({
  name: 'flukso',
  description:
    "Fluksometer over its local MQTT broker (mqtt://, /sensor/<id>/gauge and /counter: each sensor's power and " +
    'energy every second) or its local HTTP API (http://, /sensor/<id> minute series: power only, up to 60 s of ' +
    'missed polls filled in), summed per channel with per-sensor phase and sign factors.',
  configSchema: FluksoConfigSchema,
  create: createFluksoMeter,
});
