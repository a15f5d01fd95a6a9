import { InfluxDB } from '@influxdata/influxdb-client';
import type { InfluxV2Config } from '@wattbus/sinks';
import { MEASUREMENT } from '@wattbus/sinks/influx-http';
import { nothingError, storeError } from '../errors.js';
import type { ExportPoint, PointBatches } from '../rows.js';
import type { Selection } from '../selection.js';
import { WINDOW_MS } from './influx-v1.js';
import type { StoreReader } from './store.js';

const POINTS_PER_BATCH = 5_000;
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

  async *read(selection: Selection, progress: (doneUntil: number) => void, signal: AbortSignal): PointBatches {
    for (let start = selection.from; start < selection.to && !signal.aborted; start += WINDOW_MS) {
      const end = Math.min(start + WINDOW_MS, selection.to);
      let points: ExportPoint[] = [];
      for await (const { values: row, tableMeta } of this.rows(windowFlux(this.config.bucket, selection, start, end))) {
        const o = tableMeta.toObject(row);
        const quantities: string[] = [];
        const values: number[] = [];
        const labels: string[] = [];
        for (const column of tableMeta.columns) {
          const v = o[column.label];
          if (column.label === 'seq' || NOT_LABELS.has(column.label) || v === null || v === undefined || v === '')
            continue;
          if (column.dataType === 'double') {
            quantities.push(column.label);
            values.push(v as number);
          } else if (column.dataType === 'string') labels.push(`${column.label}=${v}`);
        }
        if (values.length === 0) continue;
        points.push({
          ts: msOf(o._time as string),
          site: String(o.site ?? ''),
          meter: String(o.meter ?? ''),
          channel: String(o.channel ?? ''),
          role: String(o.role ?? ''),
          seq: typeof o.seq === 'number' ? o.seq : null,
          labels: labels.sort().join(';'),
          quantities,
          values,
        });
        if (points.length >= POINTS_PER_BATCH) {
          yield points;
          points = [];
        }
        if (signal.aborted) return;
      }
      if (points.length > 0) yield points;
      progress(end);
    }
  }

  async close(): Promise<void> {}
}
