import { type Batch, column, type Table } from './table.js';

/**
 * Raw readings in "long" (tidy) form: one row per value of each reading, so the columns are the same whatever
 * each meter reports, as in the file sink's CSV.
 */
export const READINGS: Table = {
  columns: [
    column('time', 'time'),
    column('ts_ms', 'int', false, false),
    column('site', 'text'),
    column('meter', 'text'),
    column('channel', 'text'),
    column('role', 'text'),
    column('seq', 'int', true),
    column('quantity', 'text'),
    column('value', 'float'),
    column('labels', 'text'),
  ],
};

const FIRST_CAPACITY = 16_384;
/** Room for a batch's strings made at once: appending to empty arrays reallocated them again and again. */
const strings = (): string[] => new Array<string>(FIRST_CAPACITY).fill('');

/**
 * Collects reading rows in column arrays (no object per row or reading) and hands them out as batches of
 * READINGS. Strings are the store's own (no copy); numbers go into typed arrays.
 */
export class ReadingRows {
  length = 0;
  private capacity = FIRST_CAPACITY;
  private ts = new Float64Array(FIRST_CAPACITY);
  private seq = new Float64Array(FIRST_CAPACITY);
  private value = new Float64Array(FIRST_CAPACITY);
  private site = strings();
  private meter = strings();
  private channel = strings();
  private role = strings();
  private quantity = strings();
  private labels = strings();

  /**
   * One row. `seq` null when the store has none; `labels` the reading's other tags, `key=value` joined by `;`,
   * sorted by key ('' when none).
   */
  add(
    ts: number,
    site: string,
    meter: string,
    channel: string,
    role: string,
    seq: number | null,
    labels: string,
    quantity: string,
    value: number,
  ): void {
    const i = this.length++;
    if (i === this.capacity) this.grow();
    this.ts[i] = ts;
    this.seq[i] = seq ?? Number.NaN;
    this.value[i] = value;
    this.site[i] = site;
    this.meter[i] = meter;
    this.channel[i] = channel;
    this.role[i] = role;
    this.quantity[i] = quantity;
    this.labels[i] = labels;
  }

  private grow(): void {
    this.capacity *= 2;
    const grown = (old: Float64Array) => {
      const a = new Float64Array(this.capacity);
      a.set(old);
      return a;
    };
    this.ts = grown(this.ts);
    this.seq = grown(this.seq);
    this.value = grown(this.value);
  }

  /** The rows so far, as a batch of READINGS; the collector starts empty again. */
  take(): Batch {
    const n = this.length;
    const ts = this.ts.subarray(0, n);
    const batch: Batch = {
      length: n,
      columns: [
        ts,
        ts,
        this.site,
        this.meter,
        this.channel,
        this.role,
        this.seq.subarray(0, n),
        this.quantity,
        this.value.subarray(0, n),
        this.labels,
      ],
    };
    this.length = 0;
    this.capacity = FIRST_CAPACITY;
    this.ts = new Float64Array(FIRST_CAPACITY);
    this.seq = new Float64Array(FIRST_CAPACITY);
    this.value = new Float64Array(FIRST_CAPACITY);
    this.site = strings();
    this.meter = strings();
    this.channel = strings();
    this.role = strings();
    this.quantity = strings();
    this.labels = strings();
    return batch;
  }
}
