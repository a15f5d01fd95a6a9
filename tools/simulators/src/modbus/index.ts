export { type Answer, type Fault, type LoggedRequest, SlaveBank, type UnitOptions } from './bank.js';
export { crc16, hasValidCrc, withCrc } from './crc.js';
export { encodeRaw, encodeValue, representable } from './encode.js';
export { type RtuSlave, type RtuSlaveOptions, startRtuSlave } from './rtu-slave.js';
export type { SimulatedField, SimulatedMap } from './simulated-map.js';
export { startTcpSlave, type TcpSlave } from './tcp-slave.js';
export { type ChannelValues, plausibleValues } from './values.js';
