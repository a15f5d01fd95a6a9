export * from './backoff.js';
export * from './connect.js';
export * from './connection-schema.js';
export * from './dead-letter.js';
export * from './manual-acks.js';
export * from './retained-snapshot.js';
