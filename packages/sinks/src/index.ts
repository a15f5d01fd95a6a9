export * from './cassandra/index.js';
export * from './file/index.js';
export * from './influx/index.js';
export * from './registry.js';
export * from './sink.js';
