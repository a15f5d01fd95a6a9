import { influxAuthHeaders, MEASUREMENT } from '@wattbus/sinks/influx-http';
import { nothingError, storeError } from '../errors.js';
import type { ExportPoint, PointBatches } from '../rows.js';
import type { Selection } from '../selection.js';
import type { StoreReader } from './store.js';

/** What reading needs of the influx sink's settings (the portal's `influx:` section has the same keys). */
export interface InfluxQueryConfig {
  url: string;
  database: string;
  retention_policy?: string;
  username?: string;
  password?: string;
  token?: string;
  timeout_ms: number;
}

interface Series {
  columns: string[];
  values?: unknown[][];
}
interface Answer {
  results?: Array<{ error?: string; series?: Series[] }>;
  error?: string;
}

/** One query covers this much time: a bounded unit of work on the server, and the progress/ETA step. */
export const WINDOW_MS = 3_600_000;
/** Rows per chunk of InfluxDB's chunked answer: what this process holds of one answer at a time. */
export const CHUNK_ROWS = 10_000;

const KEY_TAGS = new Set(['site', 'meter', 'channel', 'role']);

const literal = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
const ident = (name: string) => `"${name.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
const anyOf = (tag: string, values: readonly string[]) =>
  values.length === 0 ? '' : ` AND (${values.map((v) => `${ident(tag)} = ${literal(v)}`).join(' OR ')})`;

/** The InfluxQL of one time window: every selected value column, `seq` and every tag, in time order. */
export function windowQuery(
  from: string,
  columns: readonly string[],
  selection: Selection,
  start: number,
  end: number,
) {
  return (
    `SELECT ${columns.map(ident).join(',')} FROM ${from} WHERE time >= ${start}ms AND time < ${end}ms` +
    anyOf('site', selection.sites) +
    anyOf('meter', selection.meters) +
    anyOf('channel', selection.channels)
  );
}

/**
 * Splits a byte stream into lines (InfluxDB's chunked answer is one JSON document per line, often megabytes
 * long): only each new piece is searched for a line break, and a line's pieces are joined once.
 */
export async function* lines(body: AsyncIterable<Uint8Array>): AsyncIterable<string> {
  const decoder = new TextDecoder();
  let pieces: string[] = [];
  for await (const bytes of body) {
    let text = decoder.decode(bytes, { stream: true });
    let nl = text.indexOf('\n');
    while (nl !== -1) {
      pieces.push(text.slice(0, nl));
      const line = pieces.join('');
      pieces = [];
      if (line.trim() !== '') yield line;
      text = text.slice(nl + 1);
      nl = text.indexOf('\n');
    }
    if (text !== '') pieces.push(text);
  }
  pieces.push(decoder.decode());
  const last = pieces.join('');
  if (last.trim() !== '') yield last;
}

/**
 * InfluxDB 1.x `/query` (and 2.x/3.x through their v1-compatible API with a token), over the influx sink's
 * schema. The range is read in windows of WINDOW_MS, each answer streamed in chunks of CHUNK_ROWS, so neither
 * the server nor this process holds more than a window's plan and a chunk's rows.
 */
export class InfluxV1Reader implements StoreReader {
  private fields: string[] = [];
  private tags: string[] = [];

  constructor(private readonly config: InfluxQueryConfig) {}

  private get from(): string {
    const rp = this.config.retention_policy;
    return `${rp ? `${ident(rp)}.` : ''}${ident(MEASUREMENT)}`;
  }

  private async request(q: string, signal?: AbortSignal, chunked = false): Promise<Response> {
    const params = new URLSearchParams({ db: this.config.database, q, epoch: 'ms' });
    if (chunked) {
      params.set('chunked', 'true');
      params.set('chunk_size', String(CHUNK_ROWS));
    }
    const url = `${this.config.url.replace(/\/+$/, '')}/query?${params}`;
    const timeout = AbortSignal.timeout(this.config.timeout_ms);
    let res: Response;
    try {
      res = await fetch(url, {
        headers: { accept: 'application/json', ...influxAuthHeaders(this.config) },
        // A chunked answer may take longer than the timeout in all: only its start is timed.
        signal: signal ? AbortSignal.any([signal, ...(chunked ? [] : [timeout])]) : timeout,
      });
    } catch (err) {
      if (signal?.aborted) throw err;
      const cause = (err as { cause?: { code?: string } }).cause;
      throw storeError(`cannot reach InfluxDB at ${this.config.url}: ${cause?.code ?? (err as Error).message}`, err);
    }
    if (!res.ok) {
      const text = await res.text().catch(() => '');
      let detail = text;
      try {
        detail = (JSON.parse(text) as Answer).error ?? text;
      } catch {}
      throw storeError(`InfluxDB answered ${res.status}: ${detail.slice(0, 300)}`);
    }
    return res;
  }

  private async query(q: string): Promise<Series[]> {
    const answer = (await (await this.request(q)).json()) as Answer;
    const result = answer.results?.[0];
    if (result?.error) throw storeError(`InfluxDB: ${result.error}`);
    return result?.series ?? [];
  }

  private async values(q: string, column: number): Promise<string[]> {
    return (await this.query(q)).flatMap((s) => (s.values ?? []).map((v) => String(v[column])));
  }

  async prepare(selection: Selection): Promise<void> {
    const [fields, tags] = await Promise.all([
      this.values(`SHOW FIELD KEYS FROM ${this.from}`, 0),
      this.values(`SHOW TAG KEYS FROM ${this.from}`, 0),
    ]);
    this.fields = fields.filter(
      (f) => f !== 'seq' && (selection.quantities.length === 0 || selection.quantities.includes(f)),
    );
    this.tags = tags;
    if (selection.sites.length > 0) {
      const known = new Set(await this.values(`SHOW TAG VALUES FROM ${this.from} WITH KEY = "site"`, 1));
      const unknown = selection.sites.filter((s) => !known.has(s));
      if (unknown.length > 0) {
        throw nothingError(
          `unknown site${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}: the store has no readings of ${unknown.length > 1 ? 'them' : 'it'}`,
        );
      }
    }
  }

  async *read(selection: Selection, progress: (doneUntil: number) => void, signal: AbortSignal): PointBatches {
    if (this.fields.length === 0) return;
    const columns = [...this.fields, 'seq', ...this.tags];
    const fieldSet = new Set(this.fields);
    for (let start = selection.from; start < selection.to && !signal.aborted; start += WINDOW_MS) {
      const end = Math.min(start + WINDOW_MS, selection.to);
      const res = await this.request(windowQuery(this.from, columns, selection, start, end), signal, true);
      if (res.body === null) throw storeError('InfluxDB sent an empty answer');
      for await (const line of this.answerLines(res.body, signal)) {
        const answer = JSON.parse(line) as Answer;
        if (answer.error) throw storeError(`InfluxDB: ${answer.error}`);
        for (const result of answer.results ?? []) {
          if (result.error) throw storeError(`InfluxDB: ${result.error}`);
          for (const series of result.series ?? []) {
            const points = toPoints(series, fieldSet);
            if (points.length > 0) yield points;
          }
        }
      }
      progress(end);
    }
  }

  /** The lines of a chunked answer; a connection lost mid-answer is the store's failure, not ours. */
  private async *answerLines(body: ReadableStream<Uint8Array>, signal: AbortSignal): AsyncIterable<string> {
    try {
      yield* lines(body as unknown as AsyncIterable<Uint8Array>);
    } catch (err) {
      if (signal.aborted) throw err;
      throw storeError(`InfluxDB at ${this.config.url} cut its answer: ${(err as Error).message}`, err);
    }
  }

  async close(): Promise<void> {}
}

/** The points of one answer chunk, with their non-null values; tags other than the key ones are labels. */
function toPoints(series: Series, fields: ReadonlySet<string>): ExportPoint[] {
  const { columns } = series;
  const at = (name: string) => columns.indexOf(name);
  const [iTime, iSeq, iSite, iMeter, iChannel, iRole] = ['time', 'seq', 'site', 'meter', 'channel', 'role'].map(at);
  const valueColumns: number[] = [];
  const labelColumns: number[] = [];
  columns.forEach((name, i) => {
    if (fields.has(name)) valueColumns.push(i);
    else if (name !== 'time' && name !== 'seq' && !KEY_TAGS.has(name)) labelColumns.push(i);
  });
  const points: ExportPoint[] = [];
  for (const point of series.values ?? []) {
    const quantities: string[] = [];
    const values: number[] = [];
    for (const i of valueColumns) {
      const value = point[i];
      if (typeof value !== 'number') continue;
      quantities.push(columns[i] as string);
      values.push(value);
    }
    if (values.length === 0) continue;
    let labels = '';
    for (const i of labelColumns) {
      const v = point[i];
      if (v !== null && v !== undefined && v !== '') labels += `${labels === '' ? '' : ';'}${columns[i]}=${v}`;
    }
    const seq = point[iSeq as number];
    points.push({
      ts: point[iTime as number] as number,
      site: String(point[iSite as number] ?? ''),
      meter: String(point[iMeter as number] ?? ''),
      channel: String(point[iChannel as number] ?? ''),
      role: String(point[iRole as number] ?? ''),
      seq: typeof seq === 'number' ? seq : null,
      labels,
      quantities,
      values,
    });
  }
  return points;
}
