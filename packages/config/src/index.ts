export { type AppSpec, runApp, type Started } from './cli.js';
export { ConfigError, type ConfigErrorOptions, type ConfigIssue } from './errors.js';
export { type Env, interpolateString } from './interpolate.js';
export { type LoadConfigOptions, loadConfig } from './load.js';
export { type ParseConfigOptions, parseConfig } from './parse.js';
export { validateSection } from './section.js';
