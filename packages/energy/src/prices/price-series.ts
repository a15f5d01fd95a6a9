import type { PriceAt, PriceSource } from './price-source.js';

/** One interval of a price series; `price` null with the reason when its data was invalid. */
export interface PriceEntry {
  start: number;
  end: number;
  price: number | null;
  reason?: string;
}

/**
 * Day-ahead prices: fixed-length intervals (15 or 60 min). An instant no entry covers has no price, and says so
 * with the hole's bounds and where the series comes from, so a cost there is unknown rather than zero.
 */
export class PriceSeries implements PriceSource {
  private starts: number[] = [];
  private entries: PriceEntry[] = [];

  constructor(
    /** Names the series in reasons: a file name or a URL. */
    readonly origin: string,
    entries: Iterable<PriceEntry> = [],
  ) {
    this.merge(entries);
  }

  get size(): number {
    return this.entries.length;
  }

  /** Adds or replaces entries (same start), e.g. a new day fetched from an endpoint. */
  merge(entries: Iterable<PriceEntry>): void {
    const byStart = new Map(this.entries.map((entry) => [entry.start, entry]));
    for (const entry of entries) byStart.set(entry.start, entry);
    this.entries = [...byStart.values()].sort((a, b) => a.start - b.start);
    this.starts = this.entries.map((entry) => entry.start);
  }

  /** Drops entries that ended before `ts`, to keep a long-running feed bounded. */
  dropBefore(ts: number): void {
    const keep = this.entries.filter((entry) => entry.end > ts);
    if (keep.length !== this.entries.length) {
      this.entries = keep;
      this.starts = keep.map((entry) => entry.start);
    }
  }

  at(ts: number): PriceAt {
    const i = lastAtOrBefore(this.starts, ts);
    const entry = i >= 0 ? this.entries[i] : undefined;
    const next = this.entries[i + 1];
    if (entry !== undefined && ts < entry.end) {
      const until = next === undefined ? entry.end : Math.min(entry.end, next.start);
      if (entry.price === null)
        return { price: null, until, reason: entry.reason ?? `invalid price in ${this.origin}` };
      return { price: entry.price, until };
    }
    const from = entry?.end;
    const until = next?.start ?? Number.POSITIVE_INFINITY;
    const span = `${from === undefined ? '…' : iso(from)} to ${next === undefined ? '…' : iso(until)}`;
    return { price: null, until, reason: `no price in ${this.origin} for ${iso(ts)} (missing ${span})` };
  }
}

function lastAtOrBefore(sorted: number[], ts: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] as number) <= ts) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

const iso = (ts: number) => new Date(ts).toISOString();
