import { InfluxDB } from '@influxdata/influxdb-client';
import type { InfluxV2Config } from '@wattbus/sinks';
import { MEASUREMENT } from '@wattbus/sinks/influx-http';
import { nothingError, storeError, usageError } from '../errors.js';
import { ReadingRows } from '../rows.js';
import { isRollups, type Selection } from '../selection.js';
import type { Batches } from '../table.js';
import { WINDOW_MS } from './influx-v1.js';
import type { StoreReader } from './store.js';

const ROWS_PER_BATCH = 10_000;
/** Flux's own columns, and the key tags: neither a value nor a label. */
const NOT_LABELS = new Set([
  'result',
  'table',
  '_start',
  '_stop',
  '_time',
  '_measurement',
  'site',
  'meter',
  'channel',
  'role',
]);

const str = (s: string) => JSON.stringify(s);
const anyOf = (tag: string, values: readonly string[]) =>
  values.length === 0 ? '' : `\n  |> filter(fn: (r) => ${values.map((v) => `r.${tag} == ${str(v)}`).join(' or ')})`;

/** The Flux of one window: the selected series, one row per point with its fields as columns, in time order. */
export function windowFlux(bucket: string, selection: Selection, start: number, end: number): string {
  const fields = selection.quantities.length === 0 ? [] : [...selection.quantities, 'seq'];
  return (
    `from(bucket: ${str(bucket)})\n  |> range(start: ${new Date(start).toISOString()}, stop: ${new Date(end).toISOString()})` +
    `\n  |> filter(fn: (r) => r._measurement == ${str(MEASUREMENT)})` +
    anyOf('site', selection.sites) +
    anyOf('meter', selection.meters) +
    anyOf('channel', selection.channels) +
    anyOf('_field', fields) +
    '\n  |> pivot(rowKey: ["_time"], columnKey: ["_field"], valueColumn: "_value")\n  |> group()\n  |> sort(columns: ["_time"])'
  );
}

/** RFC 3339 with up to nanoseconds → ms (the sink writes ms; Date.parse is not guaranteed past ms digits). */
const msOf = (time: string) => Date.parse(time.replace(/(\.\d{3})\d+/, '$1'));

/**
 * InfluxDB 2.x through its native Flux API (the `influx2` sink's settings), over the same schema as 1.x: one
 * 1-hour window per query, the annotated CSV answer parsed as it streams. Not run in CI (no InfluxDB 2 here).
 */
export class InfluxV2Reader implements StoreReader {
  private readonly api;

  constructor(private readonly config: InfluxV2Config) {
    this.api = new InfluxDB({ url: config.url, token: config.token, timeout: config.timeout_ms }).getQueryApi(
      config.org,
    );
  }

  private async *rows(flux: string) {
    try {
      yield* this.api.iterateRows(flux);
    } catch (err) {
      const cause = (err as { code?: string }).code;
      throw storeError(`InfluxDB 2 at ${this.config.url}: ${cause ?? (err as Error).message}`, err);
    }
  }

  async prepare(selection: Selection): Promise<void> {
    if (isRollups(selection)) {
      throw usageError(
        '--resolution: rollups are read from InfluxDB 2 through its v1-compatible API: use the influx store (url, database = the bucket, token)',
      );
    }
    if (selection.sites.length === 0) {
      for await (const _ of this.rows('buckets() |> limit(n: 1)')) break;
      return;
    }
    const known = new Set<string>();
    const flux =
      `import "influxdata/influxdb/schema"\nschema.tagValues(bucket: ${str(this.config.bucket)}, tag: "site", ` +
      `predicate: (r) => r._measurement == ${str(MEASUREMENT)}, start: time(v: 0))`;
    for await (const { values, tableMeta } of this.rows(flux)) known.add(String(tableMeta.get(values, '_value')));
    const unknown = selection.sites.filter((s) => !known.has(s));
    if (unknown.length > 0) {
      throw nothingError(
        `unknown site${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}: the store has no readings of ${unknown.length > 1 ? 'them' : 'it'}`,
      );
    }
  }

  async *read(selection: Selection, progress: (doneUntil: number) => void, signal: AbortSignal): Batches {
    for (let start = selection.from; start < selection.to && !signal.aborted; start += WINDOW_MS) {
      const end = Math.min(start + WINDOW_MS, selection.to);
      const rows = new ReadingRows();
      for await (const { values: row, tableMeta } of this.rows(windowFlux(this.config.bucket, selection, start, end))) {
        const o = tableMeta.toObject(row);
        const values: Array<[string, number]> = [];
        const labels: string[] = [];
        for (const column of tableMeta.columns) {
          const v = o[column.label];
          if (column.label === 'seq' || NOT_LABELS.has(column.label) || v === null || v === undefined || v === '')
            continue;
          if (column.dataType === 'double') values.push([column.label, v as number]);
          else if (column.dataType === 'string') labels.push(`${column.label}=${v}`);
        }
        const ts = msOf(o._time as string);
        const seq = typeof o.seq === 'number' ? o.seq : null;
        const label = labels.sort().join(';');
        for (const [quantity, value] of values) {
          rows.add(
            ts,
            String(o.site ?? ''),
            String(o.meter ?? ''),
            String(o.channel ?? ''),
            String(o.role ?? ''),
            seq,
            label,
            quantity,
            value,
          );
        }
        if (rows.length >= ROWS_PER_BATCH) yield rows.take();
        if (signal.aborted) return;
      }
      if (rows.length > 0) yield rows.take();
      progress(end);
    }
  }

  async close(): Promise<void> {}
}
