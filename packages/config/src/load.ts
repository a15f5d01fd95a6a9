import { readFileSync } from 'node:fs';
import type { Static, TSchema } from '@sinclair/typebox';
import { ConfigError } from './errors.js';
import type { Env } from './interpolate.js';
import { parseConfig } from './parse.js';

export interface LoadConfigOptions {
  /** Variables for `${VAR}` interpolation. Default `process.env`. */
  env?: Env;
}

/**
 * Reads a YAML config file and returns it validated against `schema`, with defaults applied.
 * Every failure — unreadable file, YAML syntax, unset variable, schema violation — is a ConfigError
 * whose `message` is ready to print.
 */
export function loadConfig<S extends TSchema>(file: string, schema: S, options: LoadConfigOptions = {}): Static<S> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(file, [{ path: '', message: describeReadError(error) }], {
      title: 'Cannot read config',
      cause: error,
    });
  }
  return parseConfig(text, schema, { source: file, env: options.env ?? process.env });
}

function describeReadError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'file not found';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory, not a file';
    default:
      return error instanceof Error ? error.message : String(error);
  }
}
