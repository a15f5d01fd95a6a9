export * from './consumers.js';
export * from './latency.js';
export * from './node-red.js';
