export * from './driver.js';
export * from './ecodevices/index.js';
export * from './egauge/index.js';
export * from './flukso/index.js';
export * from './modbus/index.js';
export * from './reading.js';
export * from './registry.js';
export * from './simulated/index.js';
