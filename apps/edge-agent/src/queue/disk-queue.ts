import { statfs } from 'node:fs/promises';
import { type BatchOperation, ClassicLevel } from 'classic-level';

/** A message waiting for the broker's PUBACK. */
export interface QueuedMessage {
  key: string;
  topic: string;
  payload: string;
  /** When it entered the queue (ms). */
  at: number;
}

export interface QueueLimits {
  /** Most messages kept; past it the oldest are dropped. */
  maxMessages: number;
  /** Messages older than this are dropped. */
  maxAgeMs: number;
}

/** What a batch of readings moves forward, stored in the same fsynced write as the readings. */
export interface EnqueueState {
  /** `meter/channel` (seqKey) → the seq of the batch's newest reading of that channel. */
  seqs?: ReadonlyMap<string, number>;
  /** meter → its driver's checkpoint as of these readings. */
  checkpoints?: ReadonlyMap<string, unknown>;
}

export interface QueueOptions {
  /** How often an unwritable queue checks for free space (ms). */
  recheckMs?: number;
}

export const seqKey = (meter: string, channel: string) => `${meter}/${channel}`;

export class QueueError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'QueueError';
  }
}

const Q = 'q:'; // q:<16-digit counter> → {t, p, at}
const Q_END = 'q;';
const SEQ = 's:'; // s:<meter>/<channel> → last seq used
const CHECKPOINT = 'c:'; // c:<meter> → the driver's checkpoint (JSON) as of the readings queued last
const DROPPED = 'm:dropped';
const keyOf = (n: number) => `${Q}${String(n).padStart(16, '0')}`;
/** Free space needed before an unwritable queue is reopened: LevelDB then writes its memtable out and a new log. */
const REOPEN_FREE_BYTES = 4 * 1024 * 1024;

type Db = ClassicLevel<string, string>;

function openDb(dir: string): Db {
  // Small caches: a Pi 3 has 1 GB, and the queue is read mostly sequentially once.
  return new ClassicLevel<string, string>(dir, {
    keyEncoding: 'utf8',
    valueEncoding: 'utf8',
    cacheSize: 512 * 1024,
    writeBufferSize: 1024 * 1024,
  });
}

/**
 * The agent's store-and-forward queue on LevelDB (classic-level). A reading is in the queue, fsynced,
 * before anything publishes it, together with the `seq` counters it used (one atomic batch), and it leaves
 * only once the broker has acknowledged it. Bounded by count and age: the oldest are dropped, counted and
 * reported in health.
 *
 * A write that fails (a full disk) makes the queue unwritable: LevelDB's log may then end in a torn record, and
 * anything written after it would be lost when the database is next opened, so nothing is written until the
 * queue has reopened the database, which it does once there is free space again. Meanwhile new readings are
 * refused, what is queued can still be read and sent, and the deletes of acknowledged readings wait in memory.
 */
export class DiskQueue {
  private next = 0;
  private count = 0;
  private droppedTotal = 0;
  private readonly seqs = new Map<string, number>();
  private readonly checkpoints = new Map<string, unknown>();
  /** Keys being deleted by a limit: never handed out again, even by a read racing the delete. */
  private readonly dropping = new Set<string>();
  /** One set per limit scan running: keys acknowledged meanwhile, which that scan must not count as dropped. */
  private readonly ackedDuringScans = new Set<Set<string>>();
  private readonly dropListeners: Array<(keys: readonly string[]) => void> = [];
  /** Gone from the queue (acknowledged or dropped), still to be deleted from disk: never handed out again. */
  private readonly pendingDeletes = new Set<string>();
  /** Handed to the publisher and not yet acknowledged: never dropped, counted once. */
  private readonly sent = new Set<string>();
  /** Acknowledged by the broker and kept until storage receipts cover them: the limits may drop them. */
  private readonly delivered = new Set<string>();
  private deleteTimer: NodeJS.Timeout | undefined;
  /** Why the queue cannot be written, while it cannot. */
  private writeError: string | undefined;
  private readonly writeListeners: Array<(error: string | undefined) => void> = [];
  private recheckTimer: NodeJS.Timeout | undefined;
  private rechecking: Promise<void> | undefined;
  /** Database operations running; a reopen waits for them, and new ones wait for the reopen. */
  private running = 0;
  private idle: (() => void) | undefined;
  private reopening: Promise<void> | undefined;
  private closed = false;
  private readonly recheckMs: number;

  private constructor(
    private db: Db,
    private readonly dir: string,
    private readonly limits: QueueLimits,
    options: QueueOptions,
  ) {
    this.recheckMs = options.recheckMs ?? 5_000;
  }

  static async open(dir: string, limits: QueueLimits, options: QueueOptions = {}): Promise<DiskQueue> {
    const db = openDb(dir);
    try {
      await db.open();
    } catch (err) {
      // classic-level says why (e.g. no space left to write out the log it recovers) in the cause.
      const { message, cause } = err as Error & { cause?: Error };
      throw new QueueError(`cannot open the queue in ${dir}: ${message}${cause ? `: ${cause.message}` : ''}`, {
        cause: err,
      });
    }
    const queue = new DiskQueue(db, dir, limits, options);
    await queue.load();
    return queue;
  }

  private async load(): Promise<void> {
    for await (const [key, value] of this.db.iterator({ gte: SEQ, lt: 's;' })) {
      this.seqs.set(key.slice(SEQ.length), Number(value));
    }
    for await (const [key, value] of this.db.iterator({ gte: CHECKPOINT, lt: 'c;' })) {
      this.checkpoints.set(key.slice(CHECKPOINT.length), JSON.parse(value));
    }
    this.droppedTotal = Number((await this.db.get(DROPPED)) ?? 0);
    for await (const key of this.db.keys({ gte: Q, lt: Q_END })) {
      this.count++;
      this.next = Number(key.slice(Q.length)) + 1;
    }
  }

  /** Messages in the queue (sent or not, until acknowledged). */
  get depth(): number {
    return this.count;
  }

  get dropped(): number {
    return this.droppedTotal;
  }

  /** Why the queue cannot be written, while it cannot (e.g. a full disk). */
  get writeProblem(): string | undefined {
    return this.writeError;
  }

  /** Readings gone from the queue that are still on disk: sent again after a restart if the queue stays unwritable. */
  get undeleted(): number {
    return this.pendingDeletes.size;
  }

  /** Called when the queue becomes unwritable (with the reason) and writable again (undefined). */
  onWriteState(listener: (error: string | undefined) => void): void {
    this.writeListeners.push(listener);
  }

  /**
   * The next seq of (meter, channel). Only the `enqueue` carrying the reading persists it: a seq handed out
   * for a reading that never reached the queue (a crash in between) is handed out again after a restart,
   * so a channel's stored seqs have no gaps.
   */
  nextSeq(meter: string, channel: string): number {
    const key = seqKey(meter, channel);
    const seq = (this.seqs.get(key) ?? 0) + 1;
    this.seqs.set(key, seq);
    return seq;
  }

  /** A meter driver's checkpoint, as stored with the last readings queued for that meter. */
  savedCheckpoint(meter: string): unknown {
    return this.checkpoints.get(meter);
  }

  /** Durably stores the messages with the seq counters and driver checkpoints they move forward, in one fsynced batch. */
  async enqueue(
    messages: ReadonlyArray<{ topic: string; payload: string }>,
    now = Date.now(),
    { seqs = new Map(), checkpoints = new Map() }: EnqueueState = {},
  ): Promise<QueuedMessage[]> {
    const queued = messages.map((m) => ({ key: keyOf(this.next++), topic: m.topic, payload: m.payload, at: now }));
    const ops = [
      ...queued.map((q) => ({
        type: 'put' as const,
        key: q.key,
        value: JSON.stringify({ t: q.topic, p: q.payload, at: q.at }),
      })),
      ...[...seqs].map(([k, v]) => ({ type: 'put' as const, key: `${SEQ}${k}`, value: String(v) })),
      ...[...checkpoints].map(([k, v]) => ({
        type: 'put' as const,
        key: `${CHECKPOINT}${k}`,
        value: JSON.stringify(v),
      })),
    ];
    await this.write(ops, true);
    for (const [meter, checkpoint] of checkpoints) this.checkpoints.set(meter, checkpoint);
    this.count += queued.length;
    if (this.count > this.limits.maxMessages) await this.dropOldest(this.count - this.limits.maxMessages);
    return queued;
  }

  /** Up to `limit` messages in queue order after `afterKey` (exclusive). */
  async read(afterKey: string | undefined, limit: number): Promise<QueuedMessage[]> {
    const out: QueuedMessage[] = [];
    await this.use(async (db) => {
      for await (const [key, value] of db.iterator({ gt: afterKey ?? Q, lt: Q_END })) {
        if (this.dropping.has(key) || this.pendingDeletes.has(key)) continue;
        const { t, p, at } = JSON.parse(value) as { t: string; p: string; at: number };
        out.push({ key, topic: t, payload: p, at });
        if (out.length >= limit) break;
      }
    });
    return out;
  }

  /** Age of the oldest message, if any. */
  async oldestAgeMs(now = Date.now()): Promise<number | undefined> {
    const [oldest] = await this.read(undefined, 1);
    return oldest ? Math.max(0, now - oldest.at) : undefined;
  }

  /** Messages by key, in the order given; those gone from the queue meanwhile are left out. */
  async get(keys: readonly string[]): Promise<QueuedMessage[]> {
    if (keys.length === 0) return [];
    const values = await this.use((db) => db.getMany([...keys]));
    const out: QueuedMessage[] = [];
    keys.forEach((key, i) => {
      const value = values[i];
      if (value === undefined || this.dropping.has(key) || this.pendingDeletes.has(key)) return;
      const { t, p, at } = JSON.parse(value) as { t: string; p: string; at: number };
      out.push({ key, topic: t, payload: p, at });
    });
    return out;
  }

  /** The message is being published: the limits no longer drop it. */
  markSent(key: string): void {
    this.delivered.delete(key);
    this.sent.add(key);
  }

  /** The broker has it, but it stays until storage receipts cover it (then `ack`); the limits may drop it meanwhile. */
  markDelivered(key: string): void {
    if (this.sent.delete(key)) this.delivered.add(key);
  }

  /**
   * Done with it (the broker's PUBACK, or every storage receipt): remove it. Deletes are grouped; losing them in a
   * crash only means a resend.
   */
  ack(key: string): void {
    if (!this.sent.delete(key) && !this.delivered.delete(key)) return;
    for (const acked of this.ackedDuringScans) acked.add(key);
    this.pendingDeletes.add(key);
    this.count--;
    this.deleteTimer ??= setTimeout(() => void this.flushDeletes(), 100);
  }

  /** Deletes what left the queue; while the queue cannot be written, they wait for it to be reopened. */
  private async flushDeletes(): Promise<void> {
    clearTimeout(this.deleteTimer);
    this.deleteTimer = undefined;
    if (this.pendingDeletes.size === 0 || this.writeError !== undefined) return;
    const keys = [...this.pendingDeletes];
    try {
      await this.write(
        keys.map((key) => ({ type: 'del' as const, key })),
        false,
      );
    } catch {
      return; // kept for after the reopen
    }
    for (const key of keys) this.pendingDeletes.delete(key);
  }

  /**
   * Drops those of the oldest `n` messages that are not in flight, counting them; returns their keys. One in
   * flight is not replaced by a newer one: it leaves on its PUBACK, so the queue may exceed its limit by the
   * publish window for that long, rather than lose a fresh reading while old ones are being delivered.
   */
  async dropOldest(n: number): Promise<string[]> {
    return this.scanAndDrop(async (keys, pending) => {
      let seen = 0;
      await this.use(async (db) => {
        for await (const key of db.keys({ gte: Q, lt: Q_END })) {
          if (seen >= n) break;
          if (pending.has(key)) continue; // acknowledged: already left the count
          seen++;
          if (!this.sent.has(key)) keys.push(key);
        }
      });
    });
  }

  /** Drops messages older than the age limit. */
  async dropExpired(now = Date.now()): Promise<string[]> {
    return this.scanAndDrop(async (keys, pending) => {
      await this.use(async (db) => {
        for await (const [key, value] of db.iterator({ gte: Q, lt: Q_END })) {
          if ((JSON.parse(value) as { at: number }).at > now - this.limits.maxAgeMs) break;
          if (!pending.has(key) && !this.sent.has(key)) keys.push(key);
        }
      });
    });
  }

  /** Runs a scan for keys to drop, then drops those still unsent (the scan awaits: the publisher goes on). */
  private async scanAndDrop(scan: (keys: string[], pending: ReadonlySet<string>) => Promise<void>): Promise<string[]> {
    const keys: string[] = [];
    const acked = new Set<string>();
    this.ackedDuringScans.add(acked);
    try {
      await scan(keys, new Set(this.pendingDeletes));
    } finally {
      this.ackedDuringScans.delete(acked);
    }
    return this.drop(keys.filter((key) => !acked.has(key)));
  }

  /** Called with the keys a limit drops, before they are deleted: whoever holds them must not send them. */
  onDrop(listener: (keys: readonly string[]) => void): void {
    this.dropListeners.push(listener);
  }

  private async drop(candidates: string[]): Promise<string[]> {
    // Sent meanwhile (the scan for candidates awaited): the broker may have it already, so it is not dropped.
    const keys = candidates.filter((key) => !this.sent.has(key) && !this.dropping.has(key));
    if (keys.length === 0) return keys;
    for (const key of keys) {
      this.dropping.add(key);
      this.delivered.delete(key);
    }
    for (const listener of this.dropListeners) listener(keys);
    this.droppedTotal += keys.length;
    this.count -= keys.length;
    try {
      await this.write(
        [
          ...keys.map((key) => ({ type: 'del' as const, key })),
          { type: 'put' as const, key: DROPPED, value: String(this.droppedTotal) },
        ],
        false,
      );
    } catch {
      // Dropped all the same: deleted from disk once the queue can be written again.
      for (const key of keys) this.pendingDeletes.add(key);
    } finally {
      for (const key of keys) this.dropping.delete(key);
    }
    return keys;
  }

  /** Every write goes through here: none while the queue is unwritable, and a failed one makes it so. */
  private async write(ops: Array<BatchOperation<Db, string, string>>, sync: boolean): Promise<void> {
    if (this.writeError !== undefined) throw new QueueError(`the queue cannot be written: ${this.writeError}`);
    try {
      await this.use((db) => db.batch(ops, { sync }));
    } catch (err) {
      this.setWriteError((err as Error).message);
      throw new QueueError(`cannot write to the queue: ${(err as Error).message}`, { cause: err });
    }
  }

  private setWriteError(error: string | undefined): void {
    const changed = (error === undefined) !== (this.writeError === undefined);
    this.writeError = error;
    if (!changed) return;
    for (const listener of this.writeListeners) listener(error);
    if (error !== undefined) this.scheduleRecheck();
  }

  private scheduleRecheck(): void {
    if (this.closed || this.recheckTimer) return;
    this.recheckTimer = setTimeout(() => {
      this.rechecking = this.recheck().finally(() => (this.rechecking = undefined));
    }, this.recheckMs);
  }

  /**
   * With enough free space, reopens the database (dropping a torn log record) and writes what was held back: the
   * deletes, and the dropped count.
   */
  private async recheck(): Promise<void> {
    this.recheckTimer = undefined;
    try {
      const { bavail, bsize } = await statfs(this.dir);
      if (bavail * bsize >= REOPEN_FREE_BYTES && !this.closed) {
        await this.reopen();
        const keys = [...this.pendingDeletes];
        await this.use((db) =>
          db.batch([
            ...keys.map((key) => ({ type: 'del' as const, key })),
            { type: 'put' as const, key: DROPPED, value: String(this.droppedTotal) },
          ]),
        );
        for (const key of keys) this.pendingDeletes.delete(key);
        this.setWriteError(undefined);
      }
    } catch (err) {
      this.writeError = (err as Error).message; // still unwritable: no change to report
    }
    if (this.writeError !== undefined) this.scheduleRecheck();
  }

  /** Closes and opens the database once the operations running are done; new ones wait meanwhile. */
  private async reopen(): Promise<void> {
    this.reopening = (async () => {
      if (this.running > 0) await new Promise<void>((resolve) => (this.idle = resolve));
      this.idle = undefined;
      await this.db.close();
      this.db = openDb(this.dir);
      await this.db.open();
    })();
    try {
      await this.reopening;
    } finally {
      this.reopening = undefined;
    }
  }

  private async use<T>(operation: (db: Db) => Promise<T>): Promise<T> {
    while (this.reopening) await this.reopening.catch(() => {});
    this.running++;
    try {
      return await operation(this.db);
    } finally {
      if (--this.running === 0) this.idle?.();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.recheckTimer);
    await this.rechecking;
    await this.flushDeletes();
    await this.db.close();
  }
}
