import type { ColumnData, ColumnSpec } from '../table.js';

const encoder = new TextEncoder();
/** Strings kept rendered per column: enough for every site, meter and label of a large export; reset beyond it. */
const MAX_CACHED = 10_000;

/**
 * The bytes of one batch of a text format, written in place into one growing buffer: no string per row or field,
 * so an export makes little garbage (a third of its time went to garbage collection when rows were strings).
 */
export class ByteBuilder {
  private buf: Buffer;
  private n = 0;

  constructor(private readonly initial = 1 << 20) {
    this.buf = Buffer.allocUnsafeSlow(initial);
  }

  private reserve(k: number): void {
    if (this.n + k <= this.buf.length) return;
    const grown = Buffer.allocUnsafeSlow(Math.max(this.buf.length * 2, this.n + k));
    this.buf.copy(grown, 0, 0, this.n);
    this.buf = grown;
  }

  /** The first `len` bytes of `src`. */
  bytes(src: Uint8Array, len = src.length): void {
    this.reserve(len);
    const buf = this.buf;
    let n = this.n;
    // most pieces are a few bytes: a loop beats the native copy's call
    if (len < 64) for (let i = 0; i < len; i++) buf[n++] = src[i] as number;
    else {
      buf.set(src.subarray(0, len), n);
      n += len;
    }
    this.n = n;
  }

  /** Bytes written so far. */
  get length(): number {
    return this.n;
  }

  /** Appends a copy of bytes already written, [from, until). */
  repeat(from: number, until: number): void {
    const len = until - from;
    this.reserve(len);
    const buf = this.buf;
    let n = this.n;
    if (len < 64) for (let i = from; i < until; i++) buf[n++] = buf[i] as number;
    else {
      buf.copy(buf, n, from, until);
      n += len;
    }
    this.n = n;
  }

  /** The bytes so far; the builder starts empty with a new buffer (the one returned is the caller's). */
  take(): Buffer {
    const out = this.buf.subarray(0, this.n);
    this.buf = Buffer.allocUnsafeSlow(Math.max(this.initial, this.n));
    this.n = 0;
    return out;
  }
}

export const utf8 = (s: string): Uint8Array => encoder.encode(s);

/** How a text format writes one column's values, and what it writes for a row without one. */
export interface FieldStyle {
  time: (ts: number) => string;
  /** A string column's value as the format writes it (quoted, escaped). */
  text: (s: string) => string;
  /** A `json` column's value. */
  json: (s: string) => string;
  /** What a number that is not finite is written as (JSON has no NaN). */
  nonFinite: ((v: number) => string) | undefined;
  absent: Uint8Array;
}

/**
 * Writes one column's value of a row. Each kind has its own class, holding the batch's column array and the text
 * of its last value (a reading's values share time, ids and seq; consecutive readings share most of them), so the
 * per-row loop calls one of three shapes and renders each distinct string once.
 */
export interface Field {
  data: ColumnData;
  put(out: ByteBuilder, row: number): void;
}

class NumberField implements Field {
  data: Float64Array = new Float64Array();
  private last = Number.NaN;
  private readonly text = new Uint8Array(32);
  private len = 0;

  constructor(
    private readonly style: FieldStyle,
    private readonly render: ((v: number) => string) | undefined,
  ) {}

  put(out: ByteBuilder, row: number): void {
    const v = this.data[row] as number;
    if (v !== this.last) {
      if (Number.isNaN(v)) {
        out.bytes(this.style.absent);
        return;
      }
      this.last = v;
      if (this.render !== undefined) this.setText(this.render(v));
      else if (Number.isSafeInteger(v)) this.setInteger(v);
      else if (!Number.isFinite(v) && this.style.nonFinite !== undefined) this.setText(this.style.nonFinite(v));
      else this.setText(String(v));
    }
    out.bytes(this.text, this.len);
  }

  private setText(s: string): void {
    const bytes = s.length <= this.text.length ? undefined : encoder.encode(s);
    if (bytes !== undefined) {
      // longer than any number: a time in text formats never is, but stay correct
      this.len = 0;
      for (const b of bytes.subarray(0, this.text.length)) this.text[this.len++] = b;
      return;
    }
    for (let i = 0; i < s.length; i++) this.text[i] = s.charCodeAt(i);
    this.len = s.length;
  }

  /** Digits without a string: times and sequence numbers change every few rows. */
  private setInteger(v: number): void {
    let at = 0;
    if (v < 0) {
      this.text[at++] = 45; // -
      v = -v;
    }
    let digits = 1;
    for (let x = v; x >= 10; x = Math.floor(x / 10)) digits++;
    this.len = at + digits;
    at = this.len;
    do {
      const q = Math.floor(v / 10);
      this.text[--at] = 48 + (v - q * 10); // (48 + v) would round beyond 2^53
      v = q;
    } while (v > 0);
  }
}

class TextField implements Field {
  data: ReadonlyArray<string | null> = [];
  private readonly cache = new Map<string, Uint8Array>();
  private last: string | null | undefined;
  private lastBytes: Uint8Array = new Uint8Array();

  constructor(
    private readonly render: (s: string) => string,
    private readonly absent: Uint8Array,
  ) {}

  put(out: ByteBuilder, row: number): void {
    const s = this.data[row] ?? null;
    if (s !== this.last) {
      this.last = s;
      if (s === null) this.lastBytes = this.absent;
      else {
        let bytes = this.cache.get(s);
        if (bytes === undefined) {
          if (this.cache.size >= MAX_CACHED) this.cache.clear();
          bytes = encoder.encode(this.render(s));
          this.cache.set(s, bytes);
        }
        this.lastBytes = bytes;
      }
    }
    out.bytes(this.lastBytes);
  }
}

/** One field writer per column of the table. */
export function fieldsOf(columns: readonly ColumnSpec[], style: FieldStyle): Field[] {
  return columns.map(({ kind }) => {
    if (kind === 'time') return new NumberField(style, style.time);
    if (kind === 'int' || kind === 'float') return new NumberField(style, undefined);
    return new TextField(kind === 'json' ? style.json : style.text, style.absent);
  });
}
