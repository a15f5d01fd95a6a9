import type { RollupReceipt } from '@wattbus/contract';
import type { RollupRecord } from '@wattbus/energy';

export interface RollupWaitsOptions {
  /** Consumers whose rollup receipts must all cover a rollup. */
  consumers: readonly string[];
  /** How long after it is sent a rollup waits for its receipts before it is published again. */
  timeoutMs: number;
  /** The wait doubles with each re-send, up to this. */
  maxBackoffMs: number;
}

/** A published rollup waiting for its receipts: the newest revision of its key. */
interface Waiting {
  drain: number;
  record: RollupRecord;
  /** Consumers whose receipt has not covered it yet. */
  missing: Set<string>;
  due: number;
  resends: number;
}

/**
 * Which published rollups still wait for storage receipts, and so which drains of the journal are done. Only the
 * newest revision of a key waits: a receipt for it covers every older one (stores keep the highest revision), and
 * sending an older one again could overwrite a newer one where a store keeps the last write. So a newer revision
 * sent takes its key's place, and the older one's drain counts it done.
 */
export class RollupWaits {
  private readonly byKey = new Map<string, Waiting>();
  /** Drain → its rollups still waiting. */
  private readonly drains = new Map<number, number>();
  /** Rollups published again because no receipt covered them in time. */
  resent = 0;

  constructor(
    private readonly options: RollupWaitsOptions,
    /** Every rollup of the drain is receipted (or superseded by a newer revision sent). */
    private readonly done: (drain: number) => void,
  ) {}

  /** Rollups sent and not yet receipted. */
  get size(): number {
    return this.byKey.size;
  }

  /** The drain's records are being published: each waits for its receipts from now on. */
  sent(drain: number, records: readonly RollupRecord[], now = Date.now()): void {
    this.drains.set(drain, (this.drains.get(drain) ?? 0) + records.length);
    for (const record of records) {
      const held = this.byKey.get(record.key);
      if (held !== undefined && held.record.revision > record.revision) {
        this.countDown(drain); // an older revision (a journal replay): the newer one waits already
        continue;
      }
      if (held !== undefined) this.finish(held);
      this.byKey.set(record.key, {
        drain,
        record,
        missing: new Set(this.options.consumers),
        due: now + this.options.timeoutMs,
        resends: 0,
      });
    }
    if (this.drains.get(drain) === 0) this.complete(drain);
  }

  /** Marks what the receipt covers (that revision or an older one of each key). Other consumers' are ignored. */
  receipt(receipt: RollupReceipt): void {
    if (!this.options.consumers.includes(receipt.consumer)) return;
    for (const [meter, channels] of Object.entries(receipt.rollups)) {
      for (const [channel, intervals] of Object.entries(channels)) {
        for (const [interval, pairs] of Object.entries(intervals)) {
          for (const [start, revision] of pairs ?? []) {
            const entry = this.byKey.get(`${receipt.site}/${meter}/${channel}/${interval}/${start}`);
            if (entry === undefined || entry.record.revision > revision) continue;
            entry.missing.delete(receipt.consumer);
            if (entry.missing.size === 0) this.finish(entry);
          }
        }
      }
    }
  }

  /** Rollups whose receipts are overdue, to be published again; the next wait is twice as long (bounded). */
  overdue(now = Date.now()): RollupRecord[] {
    const records: RollupRecord[] = [];
    for (const entry of this.byKey.values()) {
      if (entry.due > now) continue;
      entry.resends++;
      this.resent++;
      entry.due = now + Math.min(this.options.timeoutMs * 2 ** entry.resends, this.options.maxBackoffMs);
      records.push(entry.record);
    }
    return records;
  }

  /** Whether `record` is still the revision its key waits for (a queued re-send of a superseded one is skipped). */
  waits(record: RollupRecord): boolean {
    return this.byKey.get(record.key)?.record === record;
  }

  private finish(entry: Waiting): void {
    this.byKey.delete(entry.record.key);
    this.countDown(entry.drain);
  }

  private countDown(drain: number): void {
    const left = (this.drains.get(drain) ?? 1) - 1;
    if (left > 0) this.drains.set(drain, left);
    else this.complete(drain);
  }

  private complete(drain: number): void {
    this.drains.delete(drain);
    this.done(drain);
  }
}
