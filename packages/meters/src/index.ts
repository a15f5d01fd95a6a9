// The agent's view of the drivers: the driver contract, the registry and the sample-to-Reading step. A driver's own
// exports are at its subpath (`@wattbus/meters/modbus`, `@wattbus/meters/simulated`).
export {
  type ChannelSample,
  type DriverChannel,
  type DriverCheckpoint,
  type DriverDefinition,
  type MeterDriver,
  MeterReadError,
  PartialReadError,
} from './driver.js';
export { defaultRole, toReading } from './reading.js';
export { drivers } from './registry.js';
