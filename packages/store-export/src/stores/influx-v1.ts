import type { RollupInterval } from '@wattbus/contract';
import { influxAuthHeaders, MEASUREMENT, ROLLUP_MEASUREMENT } from '@wattbus/sinks/influx-http';
import { nothingError, storeError } from '../errors.js';
import { rollupBatch } from '../rollup-rows.js';
import { ReadingRows } from '../rows.js';
import { isRollups, type Selection } from '../selection.js';
import type { Batches } from '../table.js';
import { ROLLUP_WINDOW_MS, rollupOfPoint } from './influx-rollups.js';
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
/**
 * Answers uncompressed: fetch asks for gzip by default, and compressing its JSON cost influxd a third of its CPU
 * per row (and this process the inflating) for a transfer that stays on the host or the LAN - measured in
 * `pnpm --filter @wattbus/export bench`, the bare query ran 1.5 times as fast without it.
 */
export const ANSWER_HEADERS = { accept: 'application/json', 'accept-encoding': 'identity' } as const;

const KEY_TAGS = new Set(['site', 'meter', 'channel', 'role']);

const literal = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
const ident = (name: string) => `"${name.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
const anyOf = (tag: string, values: readonly string[]) =>
  values.length === 0 ? '' : ` AND (${values.map((v) => `${ident(tag)} = ${literal(v)}`).join(' OR ')})`;

/** The selection's sites, meters and channels as InfluxQL conditions (none: every one). */
const idFilter = (selection: Selection) =>
  anyOf('site', selection.sites) + anyOf('meter', selection.meters) + anyOf('channel', selection.channels);

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
    idFilter(selection)
  );
}

/** The InfluxQL of one window of rollups: every field and tag of the interval's points, in time order. */
export function rollupWindowQuery(
  from: string,
  interval: RollupInterval,
  selection: Selection,
  start: number,
  end: number,
) {
  // interval names are the contract's four literals: nothing to escape
  return (
    `SELECT * FROM ${from} WHERE "interval" = '${interval}' AND time >= ${start}ms AND time < ${end}ms` +
    idFilter(selection)
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
    return this.measurement(MEASUREMENT);
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
        headers: { ...ANSWER_HEADERS, ...influxAuthHeaders(this.config) },
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

  private measurement(name: string): string {
    const rp = this.config.retention_policy;
    return `${rp ? `${ident(rp)}.` : ''}${ident(name)}`;
  }

  async prepare(selection: Selection): Promise<void> {
    if (isRollups(selection)) return this.checkSites(selection, this.measurement(ROLLUP_MEASUREMENT), 'rollups');
    const [fields, tags] = await Promise.all([
      this.values(`SHOW FIELD KEYS FROM ${this.from}`, 0),
      this.values(`SHOW TAG KEYS FROM ${this.from}`, 0),
    ]);
    this.fields = fields.filter(
      (f) => f !== 'seq' && (selection.quantities.length === 0 || selection.quantities.includes(f)),
    );
    this.tags = tags;
    await this.checkSites(selection, this.from, 'readings');
  }

  private async checkSites(selection: Selection, from: string, what: string): Promise<void> {
    if (selection.sites.length === 0) return;
    const known = new Set(await this.values(`SHOW TAG VALUES FROM ${from} WITH KEY = "site"`, 1));
    const unknown = selection.sites.filter((s) => !known.has(s));
    if (unknown.length > 0) {
      throw nothingError(
        `unknown site${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}: the store has no ${what} of ${unknown.length > 1 ? 'them' : 'it'}`,
      );
    }
  }

  read(selection: Selection, progress: (doneUntil: number) => void, signal: AbortSignal): Batches {
    return isRollups(selection)
      ? this.readRollups(selection, selection.resolution, progress, signal)
      : this.readReadings(selection, progress, signal);
  }

  private async *readReadings(
    selection: Selection,
    progress: (doneUntil: number) => void,
    signal: AbortSignal,
  ): Batches {
    if (this.fields.length === 0) return;
    const columns = [...this.fields, 'seq', ...this.tags];
    const fieldSet = new Set(this.fields);
    const rows = new ReadingRows();
    for (let start = selection.from; start < selection.to && !signal.aborted; start += WINDOW_MS) {
      const end = Math.min(start + WINDOW_MS, selection.to);
      for await (const chunk of this.chunks(windowQuery(this.from, columns, selection, start, end), signal)) {
        for (const series of chunk) addRows(series, fieldSet, rows);
        if (rows.length > 0) yield rows.take();
      }
      progress(end);
    }
  }

  /** The rollup points of the interval, a window at a time (ROLLUP_WINDOW_MS), each chunk a batch. */
  private async *readRollups(
    selection: Selection,
    interval: RollupInterval,
    progress: (doneUntil: number) => void,
    signal: AbortSignal,
  ): Batches {
    const from = this.measurement(ROLLUP_MEASUREMENT);
    const window = ROLLUP_WINDOW_MS[interval];
    for (let start = selection.from; start < selection.to && !signal.aborted; start += window) {
      const end = Math.min(start + window, selection.to);
      for await (const chunk of this.chunks(rollupWindowQuery(from, interval, selection, start, end), signal)) {
        const rollups = chunk.flatMap((series) => (series.values ?? []).map((p) => rollupOfPoint(series.columns, p)));
        if (rollups.length > 0) yield rollupBatch(rollups);
      }
      progress(end);
    }
  }

  /** The series of each chunk of a chunked answer, as they arrive. */
  private async *chunks(q: string, signal: AbortSignal): AsyncIterable<Series[]> {
    const res = await this.request(q, signal, true);
    if (res.body === null) throw storeError('InfluxDB sent an empty answer');
    for await (const line of this.answerLines(res.body, signal)) {
      const answer = JSON.parse(line) as Answer;
      if (answer.error) throw storeError(`InfluxDB: ${answer.error}`);
      for (const result of answer.results ?? []) {
        if (result.error) throw storeError(`InfluxDB: ${result.error}`);
        yield result.series ?? [];
      }
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

/** The rows of one answer chunk, one per non-null value; tags other than the key ones are labels. */
function addRows(series: Series, fields: ReadonlySet<string>, rows: ReadingRows): void {
  const { columns } = series;
  const at = (name: string) => columns.indexOf(name);
  const [iTime, iSeq, iSite, iMeter, iChannel, iRole] = ['time', 'seq', 'site', 'meter', 'channel', 'role'].map(at);
  const valueColumns: number[] = [];
  const labelColumns: number[] = [];
  columns.forEach((name, i) => {
    if (fields.has(name)) valueColumns.push(i);
    else if (name !== 'time' && name !== 'seq' && !KEY_TAGS.has(name)) labelColumns.push(i);
  });
  const text = (v: unknown) => (typeof v === 'string' ? v : String(v ?? ''));
  for (const point of series.values ?? []) {
    let labels = '';
    for (const i of labelColumns) {
      const v = point[i];
      if (v !== null && v !== undefined && v !== '') labels += `${labels === '' ? '' : ';'}${columns[i]}=${v}`;
    }
    const ts = point[iTime as number] as number;
    const seq = point[iSeq as number];
    const site = text(point[iSite as number]);
    const meter = text(point[iMeter as number]);
    const channel = text(point[iChannel as number]);
    const role = text(point[iRole as number]);
    for (const i of valueColumns) {
      const value = point[i];
      if (typeof value !== 'number') continue;
      rows.add(
        ts,
        site,
        meter,
        channel,
        role,
        typeof seq === 'number' ? seq : null,
        labels,
        columns[i] as string,
        value,
      );
    }
  }
}
