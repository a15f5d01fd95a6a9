import { parseArgs } from 'node:util';
import type { Static, TSchema } from '@sinclair/typebox';
import { type Logger, pino } from 'pino';
import { ConfigError } from './errors.js';
import { loadConfig } from './load.js';

type FlagSpec = { type: 'boolean' | 'string'; description: string };
type FlagValues<F extends Record<string, FlagSpec>> = {
  [K in keyof F]?: F[K]['type'] extends 'boolean' ? boolean : string;
};

/** What `start` returns: how to stop a long-running service, or an exit code for one-shot commands. */
export type Started = (() => Promise<void>) | number;

export interface AppSpec<S extends TSchema, F extends Record<string, FlagSpec>> {
  name: string;
  summary: string;
  schema: S;
  flags?: F;
  /** Checks the schema cannot express (e.g. a driver's own settings); throws ConfigError. */
  check?: (config: Static<S>, file: string) => void;
  start: (config: Static<S>, log: Logger, flags: FlagValues<F>) => Promise<Started>;
}

const EXIT_CONFIG = 2;

function usage(spec: AppSpec<TSchema, Record<string, FlagSpec>>): string {
  const flags: Array<[string, string]> = [
    ['--config <file>', 'YAML config file (required)'],
    ['--check-config', 'validate the config, print the result, exit'],
    ...Object.entries(spec.flags ?? {}).map(([k, f]): [string, string] => [`--${k}`, f.description]),
    ['--log-level <level>', 'trace, debug, info (default), warn, error; or LOG_LEVEL'],
    ['--help', 'show this help'],
  ];
  return `${spec.name}: ${spec.summary}\n\nUsage: ${spec.name} --config <file> [options]\n\n${flags
    .map(([f, d]) => `  ${f.padEnd(22)} ${d}`)
    .join('\n')}\n`;
}

/**
 * The life of every wattbus app: parse the command line, load and check the config (exit 2 with one readable
 * message naming the file and key if it is invalid), log as JSON lines on stdout, start, and stop cleanly on
 * SIGINT/SIGTERM (a second signal exits at once).
 */
export async function runApp<S extends TSchema, F extends Record<string, FlagSpec>>(
  spec: AppSpec<S, F>,
): Promise<void> {
  const generic = spec as unknown as AppSpec<TSchema, Record<string, FlagSpec>>;
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      options: {
        config: { type: 'string', short: 'c' },
        'check-config': { type: 'boolean' },
        'log-level': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        ...Object.fromEntries(Object.entries(spec.flags ?? {}).map(([k, f]) => [k, { type: f.type }])),
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    process.stderr.write(`${spec.name}: ${(err as Error).message}\n\n${usage(generic)}`);
    process.exit(EXIT_CONFIG);
  }
  if (values.help) {
    process.stdout.write(usage(generic));
    process.exit(0);
  }
  if (typeof values.config !== 'string') {
    process.stderr.write(`${spec.name}: --config <file> is required\n\n${usage(generic)}`);
    process.exit(EXIT_CONFIG);
  }
  let config: Static<S>;
  try {
    config = loadConfig(values.config, spec.schema);
    spec.check?.(config, values.config);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(EXIT_CONFIG);
  }
  if (values['check-config']) {
    process.stdout.write(`${values.config}: config is valid\n`);
    process.exit(0);
  }

  const log = pino({ name: spec.name, level: String(values['log-level'] ?? process.env.LOG_LEVEL ?? 'info') });
  const started = await spec.start(config, log, values as FlagValues<F>).catch((err: Error) => {
    log.fatal({ err: err.message }, 'failed to start');
    process.exit(1);
  });
  if (typeof started === 'number') process.exit(started);

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    log.info({ signal }, 'shutting down');
    started().then(
      () => process.exit(0),
      (err: Error) => {
        log.error({ err: err.message }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}
