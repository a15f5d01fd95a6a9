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
 * Writes one column's value of a row, after the bytes that come before it in the format (a comma, a JSON key). Each
 * kind has its own class, holding the batch's column array and the bytes of its last value with what comes before
 * it (a reading's values share time, ids and seq; consecutive readings share most of them), so the per-row loop calls
 * one of two shapes, copies one piece per field and renders each distinct string once.
 */
export interface Field {
  data: ColumnData;
  put(out: ByteBuilder, row: number): void;
}

/** The longest number any column renders (a time in text formats included), in bytes. */
const NUMBER_BYTES = 40;

class NumberField implements Field {
  data: Float64Array = new Float64Array();
  private last = Number.NaN;
  /** `before`, then the last value's text. */
  private readonly text: Uint8Array;
  private len: number;
  private readonly absent: Uint8Array;

  constructor(
    private readonly style: FieldStyle,
    private readonly render: ((v: number) => string) | undefined,
    private readonly before: Uint8Array,
  ) {
    this.text = new Uint8Array(before.length + NUMBER_BYTES);
    this.text.set(before);
    this.len = before.length;
    this.absent = Buffer.concat([before, style.absent]);
  }

  put(out: ByteBuilder, row: number): void {
    const v = this.data[row] as number;
    if (v !== this.last) {
      if (Number.isNaN(v)) {
        out.bytes(this.absent);
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
    const at = this.before.length;
    if (s.length > NUMBER_BYTES) {
      // longer than any number: a time in text formats never is, but stay correct
      const bytes = encoder.encode(s).subarray(0, NUMBER_BYTES);
      this.text.set(bytes, at);
      this.len = at + bytes.length;
      return;
    }
    for (let i = 0; i < s.length; i++) this.text[at + i] = s.charCodeAt(i);
    this.len = at + s.length;
  }

  /** Digits without a string: times and sequence numbers change every few rows. */
  private setInteger(v: number): void {
    let at = this.before.length;
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
  /** Each string's bytes with `before`. */
  private readonly cache = new Map<string, Uint8Array>();
  private last: string | null | undefined;
  private lastBytes: Uint8Array = new Uint8Array();
  private readonly absent: Uint8Array;

  constructor(
    private readonly render: (s: string) => string,
    absent: Uint8Array,
    private readonly before: Uint8Array,
  ) {
    this.absent = Buffer.concat([before, absent]);
  }

  put(out: ByteBuilder, row: number): void {
    const s = this.data[row] ?? null;
    if (s !== this.last) {
      this.last = s;
      if (s === null) this.lastBytes = this.absent;
      else {
        let bytes = this.cache.get(s);
        if (bytes === undefined) {
          if (this.cache.size >= MAX_CACHED) this.cache.clear();
          bytes = Buffer.concat([this.before, encoder.encode(this.render(s))]);
          this.cache.set(s, bytes);
        }
        this.lastBytes = bytes;
      }
    }
    out.bytes(this.lastBytes);
  }
}

/** One field writer per column of the table; `before[c]` is written before each value of column c (none by default). */
export function fieldsOf(
  columns: readonly ColumnSpec[],
  style: FieldStyle,
  before: readonly Uint8Array[] = [],
): Field[] {
  return columns.map(({ kind }, c) => {
    const prefix = before[c] ?? new Uint8Array();
    if (kind === 'time') return new NumberField(style, style.time, prefix);
    if (kind === 'int' || kind === 'float') return new NumberField(style, undefined, prefix);
    return new TextField(kind === 'json' ? style.json : style.text, style.absent, prefix);
  });
}
