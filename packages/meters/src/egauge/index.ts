import { defineDriver } from '../driver.js';
import { EgaugeConfigSchema } from './config.js';
import { createEgaugeMeter } from './driver.js';

export { type EgaugeConfig, EgaugeConfigSchema, type EgaugeUnit } from './config.js';
export { createEgaugeMeter, EgaugeMeter } from './driver.js';
export {
  type EgaugeDataFault,
  type EgaugeFault,
  type EgaugeSimRegister,
  EgaugeSimulator,
  type EgaugeSimulatorOptions,
} from './simulator.js';

/** The `egauge` driver: an eGauge meter through its XML API, with outages filled in from its stored history. */
export const egaugeDriver = defineDriver({
  name: 'egauge',
  description:
    'eGauge energy meter over HTTP (XML API, /cgi-bin/egauge-show): cumulative registers turned into powers, ' +
    'voltages, currents at the rows the device stored, gaps after an outage filled in from its history.',
  configSchema: EgaugeConfigSchema,
  create: createEgaugeMeter,
});
