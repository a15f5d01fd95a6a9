import { buildRegistry } from '@wattbus/config/plugin';
import type { DriverDefinition } from './driver.js';
import { ecodevicesDriver } from './ecodevices/index.js';
import { egaugeDriver } from './egauge/index.js';
import { fluksoDriver } from './flukso/index.js';
import { modbusDriver } from './modbus/index.js';
import { simulatedDriver } from './simulated/index.js';

/** Every driver the agent can use, by the name written in a meter's `driver:` key. Add one line per driver. */
export const drivers: Readonly<Record<string, DriverDefinition>> = buildRegistry('driver', [
  simulatedDriver,
  egaugeDriver,
  ecodevicesDriver,
  fluksoDriver,
  modbusDriver,
]);
