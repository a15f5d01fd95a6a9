export * from './quantities.js';
export * from './schemas/index.js';
export * from './topics.js';
export * from './validate.js';
export * from './fixtures.js';
