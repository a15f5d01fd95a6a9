import { defineDriver } from '../driver.js';
import { EgaugeConfigSchema } from './config.js';
import { createEgaugeMeter } from './driver.js';

export { type EgaugeConfig, EgaugeConfigSchema, type EgaugeUnit } from './config.js';
export { createEgaugeMeter, EgaugeMeter } from './driver.js';

/** The `egauge` driver: an eGauge meter through its XML API, with outages filled in from its stored history. */
export const egaugeDriver = defineDriver({
  name: 'egauge',
  description:
    'eGauge energy meter over HTTP (XML API): from /cgi-bin/egauge-show, cumulative registers turned into powers, ' +
    'voltages, currents at the rows the device stored, gaps after an outage or a restart filled in from its history; ' +
    'or from /cgi-bin/egauge?inst&tot, its values over the last second.',
  configSchema: EgaugeConfigSchema,
  create: createEgaugeMeter,
});
