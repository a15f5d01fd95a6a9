export * from './http-endpoint.js';
