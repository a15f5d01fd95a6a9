import { defineDriver } from '../driver.js';
import { FluksoConfigSchema } from './config.js';
import { createFluksoMeter } from './driver.js';

export { type FluksoConfig, FluksoConfigSchema, type FluksoSensorConfig } from './config.js';
export { createFluksoMeter, FluksoMeter } from './driver.js';
export { type FluksoFault, type FluksoSimSensor, FluksoSimulator, type FluksoSimulatorOptions } from './simulator.js';

/** The `flukso` driver: a Fluksometer's sensors through the MQTT broker on the Fluksometer itself. */
export const fluksoDriver = defineDriver({
  name: 'flukso',
  description:
    "Fluksometer over its local MQTT broker (/sensor/<id>/gauge and /counter): each sensor's power and energy, " +
    'summed per channel with per-sensor phase and sign factors.',
  configSchema: FluksoConfigSchema,
  create: createFluksoMeter,
});
