import type { Receipt } from '@wattbus/contract';
import { seqKey } from './disk-queue.js';

export interface ReceiptTrackerOptions {
  /** Consumers whose receipts must all cover a reading. */
  consumers: readonly string[];
  /** How long after its PUBACK a reading waits for its receipts before it is published again. */
  timeoutMs: number;
  /** The wait doubles with each re-send, up to this. */
  maxBackoffMs: number;
}

/** A published reading waiting for its receipts. */
interface Awaiting {
  key: string;
  channel: string;
  seq: number;
  /** The broker has the latest send of it. */
  pubacked: boolean;
  /** When to send it again (once pubacked). */
  due: number;
  resends: number;
  /** One bit per consumer that has receipted it. */
  receipted: number;
}

/**
 * Which published readings still wait for storage receipts, by queue key and by (meter/channel, seq). In memory
 * only: after a restart every reading still on disk is published again, and receipted again (stores are idempotent).
 * A reading is complete once every consumer's receipt covers it and the broker has acknowledged its latest send.
 */
export class ReceiptTracker {
  private readonly byKey = new Map<string, Awaiting>();
  private readonly byChannel = new Map<string, Map<number, Awaiting>>();
  private readonly bits: ReadonlyMap<string, number>;
  private readonly allBits: number;
  /** Readings published again because no receipt covered them in time. */
  resent = 0;

  constructor(
    private readonly options: ReceiptTrackerOptions,
    private readonly complete: (key: string) => void,
  ) {
    this.bits = new Map(options.consumers.map((c, i) => [c, 1 << i]));
    this.allBits = (1 << options.consumers.length) - 1;
  }

  /** Readings published and not yet complete. */
  get size(): number {
    return this.byKey.size;
  }

  /** Whether the reading under `key` still waits for receipts (a re-send of one that does not is skipped). */
  waits(key: string): boolean {
    return this.byKey.has(key);
  }

  /** The reading under `key` has been handed to MQTT (again, for a re-send). */
  sent(key: string, meter: string, channel: string, seq: number): void {
    const known = this.byKey.get(key);
    if (known) {
      known.pubacked = false;
      return;
    }
    const entry: Awaiting = {
      key,
      channel: seqKey(meter, channel),
      seq,
      pubacked: false,
      due: Number.POSITIVE_INFINITY,
      resends: 0,
      receipted: 0,
    };
    // A channel's seq names one reading: another key with the same seq is a copy of it, and only one waits.
    const copy = this.byChannel.get(entry.channel)?.get(seq);
    if (copy) this.finish(copy);
    this.byKey.set(key, entry);
    const seqs = this.byChannel.get(entry.channel) ?? new Map<number, Awaiting>();
    this.byChannel.set(entry.channel, seqs);
    seqs.set(seq, entry);
  }

  /** The broker acknowledged the latest send of `key`: its receipts are due within the (backed-off) timeout. */
  pubacked(key: string, now = Date.now()): void {
    const entry = this.byKey.get(key);
    if (!entry) return;
    entry.pubacked = true;
    if (entry.receipted === this.allBits) {
      this.finish(entry);
      return;
    }
    const wait = Math.min(this.options.timeoutMs * 2 ** entry.resends, this.options.maxBackoffMs);
    entry.due = now + wait;
  }

  /** Marks what the receipt covers; returns how many readings it completed. Receipts of other consumers are ignored. */
  receipt(receipt: Receipt): number {
    const bit = this.bits.get(receipt.consumer);
    if (bit === undefined) return 0;
    let completed = 0;
    const cover = (entry: Awaiting) => {
      entry.receipted |= bit;
      if (entry.receipted === this.allBits && entry.pubacked) {
        this.finish(entry);
        completed++;
      }
    };
    for (const [meter, channels] of Object.entries(receipt.ranges)) {
      for (const [channel, ranges] of Object.entries(channels)) {
        const seqs = this.byChannel.get(seqKey(meter, channel));
        if (!seqs) continue;
        for (const [from, to] of ranges) {
          if (to - from < seqs.size) {
            for (let seq = from; seq <= to; seq++) {
              const entry = seqs.get(seq);
              if (entry) cover(entry);
            }
          } else {
            for (const entry of [...seqs.values()]) if (entry.seq >= from && entry.seq <= to) cover(entry);
          }
        }
      }
    }
    return completed;
  }

  /** Keys whose receipts are overdue, to be published again; each is counted once per re-send. */
  overdue(now = Date.now()): string[] {
    const keys: string[] = [];
    for (const entry of this.byKey.values()) {
      if (!entry.pubacked || entry.due > now) continue;
      entry.due = Number.POSITIVE_INFINITY; // until the re-send's PUBACK sets the next deadline
      entry.resends++;
      this.resent++;
      keys.push(entry.key);
    }
    return keys;
  }

  /** Readings gone from the queue otherwise (dropped by its limits): nothing waits for them any more. */
  forget(keys: readonly string[]): void {
    for (const key of keys) {
      const entry = this.byKey.get(key);
      if (entry) this.remove(entry);
    }
  }

  private finish(entry: Awaiting): void {
    this.remove(entry);
    this.complete(entry.key);
  }

  private remove(entry: Awaiting): void {
    this.byKey.delete(entry.key);
    const seqs = this.byChannel.get(entry.channel);
    if (seqs?.get(entry.seq) === entry) seqs.delete(entry.seq);
    if (seqs?.size === 0) this.byChannel.delete(entry.channel);
  }
}
