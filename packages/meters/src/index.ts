export * from './driver.js';
export * from './registry.js';
export * from './simulated/index.js';
