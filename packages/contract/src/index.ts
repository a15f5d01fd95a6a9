export * from './dead-letter.js';
export * from './decode.js';
export * from './fixtures.js';
export * from './quantities.js';
export * from './schemas/index.js';
export * from './topics.js';
export * from './validate.js';
