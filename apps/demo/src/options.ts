import { parseArgs } from 'node:util';

export const DEFAULT_PORT = 1883;

export interface DemoOptions {
  port: number;
  help: boolean;
}

export type ParsedOptions = { ok: true; options: DemoOptions } | { ok: false; error: string };

export const USAGE = `wattbus demo: an embedded broker, three simulated households, a sink worker and the alerter,
each a real process, with a live view of the stream. Ctrl-C stops everything.

Usage: pnpm demo [--port <n>]

Options:
  --port <n>   MQTT port of the embedded broker on localhost (default ${DEFAULT_PORT}, or WATTBUS_DEMO_PORT)
  --help       show this help

Environment:
  WATTBUS_DEMO_PORT  default for --port
  WATTBUS_DEMO_DIR   working directory (default <repo>/.demo): config/, logs/, data/, state/
  INFLUX_URL         also write readings to InfluxDB (1.x API), e.g. http://localhost:8086
  INFLUX_DB          its database (default wattbus); INFLUX_TOKEN for 2.x/3.x
`;

function parsePort(text: string, where: string): number | string {
  const port = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isInteger(port) || port < 1 || port > 65535) {
    return `${where}: expected a port number between 1 and 65535, got ${JSON.stringify(text)}`;
  }
  return port;
}

/** Reads `--port`/`--help` from argv, falling back to WATTBUS_DEMO_PORT, then 1883. */
export function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): ParsedOptions {
  let values: { port?: string | undefined; help?: boolean | undefined };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { port: { type: 'string', short: 'p' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
  let port: number | string = DEFAULT_PORT;
  if (values.port !== undefined) port = parsePort(values.port, '--port');
  else if (env.WATTBUS_DEMO_PORT) port = parsePort(env.WATTBUS_DEMO_PORT, 'WATTBUS_DEMO_PORT');
  if (typeof port === 'string') return { ok: false, error: port };
  return { ok: true, options: { port, help: values.help === true } };
}
