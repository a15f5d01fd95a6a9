import { parseArgs } from 'node:util';
import {
  type Compression,
  checkIds,
  checkRange,
  expandQuantity,
  FORMAT_NAMES,
  type FormatName,
  parseInstant,
  usageError,
  zoneOffset,
} from '@wattbus/store-export';

export const USAGE = `wattbus-export: exports stored readings to CSV, JSON lines or Parquet.

Usage: wattbus-export --config sink-worker.yaml --from <time> --to <time> [selection] [options]

  --config <file>        the sink worker's config: its sinks: section says where the readings are
  --store <name>         influx, influx2 or cassandra, when the config has more than one of them
  --from <time>          start (included), e.g. 2026-01-01, 2026-01-01T06:00, 2026-01-01T05:00:00Z
  --to <time>            end (excluded); times without an offset are in --timezone
  --site <id>            only this site (repeat, or comma-separated); default every site
  --group <id>           the sites of this group (repeatable), from --groups <file> (e.g. portal.yaml)
  --meter <id>           only this meter (repeatable)
  --channel <id>         only this channel (repeatable)
  --quantity <name>      a value name (power_w, voltage_v_l1) or a quantity (voltage = every phase); repeatable
  --resolution <r>       raw readings (default), or the rollups of 1m, 15m, 1h or 1d (energy, cost, power…)
  --format <f>           csv, jsonl or parquet; default from the output's extension, else csv
  --compress <c>         none, gzip or zstd (text formats); default from the extension (.gz, .zst)
  --timezone <zone>      IANA zone of the time column and of times without offset; default UTC
  -o, --output <file>    the file to write (made complete or not at all); "-" or none: stdout
  --progress <p>         auto (bar on a terminal, JSON lines otherwise), bar, json or none; on stderr
  --help                 show this help

Exit codes: 0 done, 1 the store or the output failed, 2 bad command line or config,
3 nothing to export (unknown site or group, no readings in the range), 130 interrupted.
`;

/** Raw readings, or the rollups of an interval (see README). */
export const RESOLUTIONS = ['raw', '1m', '15m', '1h', '1d'] as const;
export type Resolution = (typeof RESOLUTIONS)[number];
const COMPRESSIONS = ['none', 'gzip', 'zstd'] as const;
const PROGRESS = ['auto', 'bar', 'json', 'none'] as const;

export interface ExportArgs {
  config: string;
  store: string | undefined;
  sites: string[];
  groups: string[];
  groupsFile: string | undefined;
  meters: string[];
  channels: string[];
  quantities: string[];
  resolution: Resolution;
  from: number;
  to: number;
  timeZone: string;
  format: FormatName;
  compression: Compression;
  output: string | undefined;
  progress: (typeof PROGRESS)[number];
}

const list = (values: string[] | undefined) =>
  (values ?? [])
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');

function oneOf<T extends string>(flag: string, allowed: readonly T[], value: string | undefined, fallback: T): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw usageError(`--${flag}: expected one of ${allowed.join(', ')} (got "${value}")`);
  }
  return value as T;
}

/** What the output's name says: `readings.csv.zst` → csv + zstd. */
function fromExtension(path: string | undefined): { format?: FormatName; compression?: Compression } {
  const match = /\.(csv|jsonl|parquet)(?:\.(gz|zst))?$/.exec(path ?? '');
  if (match === null) return {};
  const compression = match[2] === 'gz' ? 'gzip' : match[2] === 'zst' ? 'zstd' : 'none';
  return { format: match[1] as FormatName, compression };
}

function instant(flag: string, text: string | undefined, zone: string): number {
  if (text === undefined) throw usageError(`--${flag} <time> is required`);
  const ts = parseInstant(text, zone);
  if (ts === undefined) {
    throw usageError(
      `--${flag}: "${text}" is not a time (expected e.g. 2026-01-01, 2026-01-01T06:00 or 2026-01-01T05:00:00Z)`,
    );
  }
  return ts;
}

/** Parses and checks the command line; returns 'help' for --help; throws a usage ExportError otherwise. */
export function parseExportArgs(argv: string[]): ExportArgs | 'help' {
  let values: Record<string, string | string[] | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        config: { type: 'string', short: 'c' },
        store: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        site: { type: 'string', multiple: true },
        group: { type: 'string', multiple: true },
        groups: { type: 'string' },
        meter: { type: 'string', multiple: true },
        channel: { type: 'string', multiple: true },
        quantity: { type: 'string', multiple: true },
        resolution: { type: 'string' },
        format: { type: 'string' },
        compress: { type: 'string' },
        timezone: { type: 'string' },
        output: { type: 'string', short: 'o' },
        progress: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw usageError((err as Error).message);
  }
  if (values.help) return 'help';
  const str = (k: string) => values[k] as string | undefined;
  const strs = (k: string) => list(values[k] as string[] | undefined);

  const config = str('config');
  if (config === undefined) throw usageError('--config <file> is required');
  const resolution = oneOf('resolution', RESOLUTIONS, str('resolution'), 'raw');
  const timeZone = str('timezone') ?? 'UTC';
  zoneOffset(timeZone);
  const from = instant('from', str('from'), timeZone);
  const to = instant('to', str('to'), timeZone);
  checkRange(from, to);

  const output = str('output') === '-' ? undefined : str('output');
  const implied = fromExtension(output);
  const format = oneOf('format', FORMAT_NAMES, str('format'), implied.format ?? 'csv');
  const compression = oneOf('compress', COMPRESSIONS, str('compress'), implied.compression ?? 'none');
  if (format === 'parquet' && compression !== 'none') {
    throw usageError('--compress is for csv and jsonl: Parquet compresses its pages itself (Snappy)');
  }
  const [sites, meters, channels] = [strs('site'), strs('meter'), strs('channel')];
  checkIds('site', sites);
  checkIds('meter', meters);
  checkIds('channel', channels);
  const groups = strs('group');
  checkIds('group', groups);
  const quantities = [...new Set(strs('quantity').flatMap(expandQuantity))];
  if (quantities.length > 0 && resolution !== 'raw') {
    throw usageError(`--quantity selects raw readings' values: a ${resolution} rollup has all its figures as columns`);
  }

  return {
    config,
    store: str('store'),
    sites,
    groups,
    groupsFile: str('groups'),
    meters,
    channels,
    quantities,
    resolution,
    from,
    to,
    timeZone,
    format,
    compression,
    output,
    progress: oneOf('progress', PROGRESS, str('progress'), 'auto'),
  };
}
