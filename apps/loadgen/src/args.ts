import { parseArgs } from 'node:util';
import type { MqttConnection } from '@wattbus/mqtt';

export const USAGE = `wattbus-loadgen: publishes readings of simulated households to an MQTT broker at a steady rate.

Usage: wattbus-loadgen --url mqtt://host:1883 --households 1000 --rate 5000 --duration 30 [options]

  --url <url>                 broker URL (mqtt://, mqtts://, ws://, wss://); default mqtt://localhost:1883
  --households <n>            simulated households, sites load-0001, load-0002, …; default 100
  --meters-per-household <n>  meters per household (main, sub-1, …); default 1
  --rate <readings/s>         total readings per second over every household; "max" = as fast as acks allow
  --interval <ms>             or: each meter is read every <ms> (rate = readings per round × 1000 / ms)
  --duration <s>              stop after this many seconds...
  --count <n>                 ...or after this many readings (default: 10 s worth)
  --qos <0|1>                 default 1
  --window <n>                QoS1 publishes awaiting their PUBACK at most; default 1000
  --site-prefix <id>          default "load"
  --client-id <id>            default wattbus-loadgen-<pid>
  --username <user>           --password <password> (or WATTBUS_MQTT_PASSWORD)
  --ca <file>                 PEM CA of the broker certificate (TLS)
  --insecure                  do not verify the broker certificate
  --json                      print the final summary as one JSON line on stdout
  --quiet                     no progress on stderr
  --help                      show this help
`;

export interface LoadgenArgs {
  connection: MqttConnection;
  clientId: string;
  households: number;
  metersPerHousehold: number;
  sitePrefix: string;
  /** Readings/s, or null to derive it from `intervalMs`. Infinity for "max". */
  rate: number | null;
  intervalMs: number | null;
  count: number | undefined;
  durationMs: number | undefined;
  qos: 0 | 1;
  window: number;
  json: boolean;
  quiet: boolean;
}

export class UsageError extends Error {}

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name}: expected a whole number ≥ 1 (got "${value}")`);
  return n;
}

function positive(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${name}: expected a number > 0 (got "${value}")`);
  return n;
}

/** Parses the command line; returns `'help'` for --help, throws UsageError on a bad flag. */
export function parseLoadgenArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): LoadgenArgs | 'help' {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        url: { type: 'string' },
        households: { type: 'string' },
        'meters-per-household': { type: 'string' },
        rate: { type: 'string' },
        interval: { type: 'string' },
        duration: { type: 'string' },
        count: { type: 'string' },
        qos: { type: 'string' },
        window: { type: 'string' },
        'site-prefix': { type: 'string' },
        'client-id': { type: 'string' },
        username: { type: 'string' },
        password: { type: 'string' },
        ca: { type: 'string' },
        insecure: { type: 'boolean' },
        json: { type: 'boolean' },
        quiet: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help) return 'help';
  const str = (k: string) => values[k] as string | undefined;

  const url = str('url') ?? 'mqtt://localhost:1883';
  if (!/^(mqtts?|wss?|tcp|ssl):\/\//.test(url))
    throw new UsageError(`--url: expected mqtt://, mqtts://, ws:// or wss:// (got "${url}")`);
  if (str('rate') !== undefined && str('interval') !== undefined)
    throw new UsageError('give --rate or --interval, not both');
  if (str('count') !== undefined && str('duration') !== undefined)
    throw new UsageError('give --count or --duration, not both');
  const qos = str('qos') ?? '1';
  if (qos !== '0' && qos !== '1') throw new UsageError(`--qos: expected 0 or 1 (got "${qos}")`);
  const sitePrefix = str('site-prefix') ?? 'load';
  if (!/^[a-z0-9][a-z0-9_-]{0,50}$/.test(sitePrefix))
    throw new UsageError(`--site-prefix: expected an id like "load" (got "${sitePrefix}")`);

  const rateFlag = str('rate');
  const rate = rateFlag === 'max' ? Number.POSITIVE_INFINITY : (positive('rate', rateFlag) ?? null);
  const intervalMs = positive('interval', str('interval')) ?? null;
  const durationS = positive('duration', str('duration'));
  const count = str('count') === undefined ? undefined : positiveInt('count', str('count'), 1);

  const password = str('password') ?? env.WATTBUS_MQTT_PASSWORD;
  const connection: MqttConnection = {
    url,
    reject_unauthorized: !values.insecure,
    protocol_version: 4,
    keepalive_s: 30,
    reconnect_min_ms: 1000,
    reconnect_max_ms: 30_000,
    ...(str('username') !== undefined && { username: str('username') }),
    ...(password !== undefined && { password }),
    ...(str('ca') !== undefined && { ca: str('ca') }),
  };
  return {
    connection,
    clientId: str('client-id') ?? `wattbus-loadgen-${process.pid}`,
    households: positiveInt('households', str('households'), 100),
    metersPerHousehold: positiveInt('meters-per-household', str('meters-per-household'), 1),
    sitePrefix,
    rate: rate === null && intervalMs === null ? 1000 : rate,
    intervalMs,
    count,
    durationMs: count === undefined ? (durationS ?? 10) * 1000 : undefined,
    qos: qos === '0' ? 0 : 1,
    window: positiveInt('window', str('window'), 1000),
    json: values.json === true,
    quiet: values.quiet === true,
  };
}
