import type { Reading } from '@wattbus/contract';
import { backoffDelay } from '@wattbus/mqtt';
import { SinkError } from '@wattbus/sinks';

/** What a lane writes to: a sink's readings (a `Sink` is one), or its rollups through `rollupStore`. */
export interface Store<T> {
  readonly name: string;
  readonly maxConcurrentWrites?: number;
  refuse?(item: T): string | undefined;
  write(batch: readonly T[]): Promise<void>;
}

export interface BatchWriterOptions {
  /** Write as soon as this many readings wait… */
  maxBatch: number;
  /** …or when the oldest has waited this long… */
  maxDelayMs: number;
  /**
   * …or when nothing new has arrived for this long. A broker sends at most its in-flight window of unacked
   * messages (mosquitto's max_inflight_messages, 20 by default for MQTT 3.1.1 clients), so a batch may never
   * reach maxBatch: waiting out maxDelayMs for each window would cap the rate at window/maxDelay.
   */
  idleMs: number;
  /**
   * Also write a partial batch as soon as the input is drained (`drained()`: every message read so far has been
   * added) while none of the sink's writes is in flight; what arrives during a write goes out as soon as it ends.
   * Batches then grow with the store's write time instead of waiting out idleMs under a steady stream, or
   * maxDelayMs (which still bounds the wait: past it a partial batch takes another free write slot).
   */
  writeWhenDrained: boolean;
  retryMinMs: number;
  retryMaxMs: number;
}

export interface BatchWriterEvents<M> {
  written?(sink: string, count: number, elapsedMs: number): void;
  retrying?(error: Error, sink: string, attempt: number, delayMs: number): void;
  /** The store refused these readings themselves (the rest of their batch is stored); they go to the dead-letter topic. */
  rejected?(messages: readonly M[], error: SinkError): void;
}

/** A reading (or rollup) waiting for the sinks that have not written it yet, with the message it came in. */
interface Tracked<M, T> {
  item: T;
  message: M;
  remaining: number;
  done: () => void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One sink's queue: batches by size, age, idle or drained input, up to the sink's maxConcurrentWrites at a time, each
 * retried forever with backoff on transient errors. Each sink has its own lane, so a store that is down delays only its own writes.
 */
class SinkLane<M, T> {
  private pending: Tracked<M, T>[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly writes = new Set<Promise<void>>();
  private readonly maxWrites: number;
  private firstAt = 0;
  private lastAt = 0;

  constructor(
    private readonly sink: Store<T>,
    private readonly options: BatchWriterOptions,
    private readonly events: BatchWriterEvents<M>,
    private readonly completed: (item: Tracked<M, T>) => void,
  ) {
    this.maxWrites = Math.max(1, sink.maxConcurrentWrites ?? 1);
  }

  get backlog(): number {
    return this.pending.length;
  }

  add(item: Tracked<M, T>): void {
    const now = performance.now();
    if (this.pending.length === 0) this.firstAt = now;
    this.lastAt = now;
    this.pending.push(item);
    if (this.pending.length >= this.options.maxBatch) this.kick();
    else this.arm();
  }

  /** The input is drained: write what waits unless a write is in flight (it then goes when that write ends). */
  drained(): void {
    if (this.options.writeWhenDrained && this.writes.size === 0 && this.pending.length > 0) this.kick();
  }

  private get busy(): boolean {
    return this.writes.size >= this.maxWrites;
  }

  /** One timer at a time: it fires at the idle deadline or the age deadline, whichever comes first. */
  private arm(): void {
    if (this.timer || this.busy || this.pending.length === 0) return;
    const due = Math.min(this.lastAt + this.options.idleMs, this.firstAt + this.options.maxDelayMs);
    this.timer = setTimeout(() => this.onTimer(), Math.max(0, due - performance.now()));
  }

  private onTimer(): void {
    this.timer = undefined;
    const now = performance.now();
    const idle = now - this.lastAt >= this.options.idleMs;
    const old = now - this.firstAt >= this.options.maxDelayMs;
    if (idle || old) this.kick();
    else this.arm(); // more arrived meanwhile: wait for the next idle or age deadline
  }

  private kick(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (!this.busy && this.pending.length > 0) this.start();
  }

  private start(): void {
    const write: Promise<void> = this.writeNext().finally(() => {
      this.writes.delete(write);
      // What arrived during the write goes out now if a batch is full or when writing as input drains, else at its
      // idle or age deadline.
      if (this.pending.length >= this.options.maxBatch) this.kick();
      else this.drained();
      this.arm();
    });
    this.writes.add(write);
  }

  private async writeNext(): Promise<void> {
    const batch = this.pending.splice(0, this.options.maxBatch);
    const accepted = this.sink.refuse ? this.refuseUpFront(batch) : batch;
    await this.writeOrSplit(accepted);
    for (const item of batch) this.completed(item);
  }

  /** Readings the sink says it cannot store go to `rejected` before the write, with the sink's reason. */
  private refuseUpFront(batch: Tracked<M, T>[]): Tracked<M, T>[] {
    const accepted: Tracked<M, T>[] = [];
    for (const item of batch) {
      const reason = this.sink.refuse?.(item.item);
      if (reason === undefined) accepted.push(item);
      else this.events.rejected?.([item.message], new SinkError(this.sink.name, reason, true));
    }
    return accepted;
  }

  /**
   * Writes a batch, retrying transient failures forever. When the store refuses the batch for its content, the
   * culprits are found by halving: the store wrote the rest (or writes it again, harmlessly: writes are
   * idempotent), and only readings refused on their own are rejected, not the other households' in their batch.
   */
  private async writeOrSplit(batch: Tracked<M, T>[]): Promise<void> {
    if (batch.length === 0) return;
    const items = batch.map((t) => t.item);
    const started = performance.now();
    for (let attempt = 0; ; attempt++) {
      try {
        await this.sink.write(items);
        this.events.written?.(this.sink.name, batch.length, performance.now() - started);
        return;
      } catch (err) {
        const error = err instanceof Error ? err : new Error(String(err));
        if (error instanceof SinkError && error.permanent) {
          if (batch.length === 1) {
            this.events.rejected?.([(batch[0] as Tracked<M, T>).message], error);
            return;
          }
          const half = Math.ceil(batch.length / 2);
          await this.writeOrSplit(batch.slice(0, half));
          await this.writeOrSplit(batch.slice(half));
          return;
        }
        const delayMs = backoffDelay(attempt, this.options.retryMinMs, this.options.retryMaxMs);
        this.events.retrying?.(error, this.sink.name, attempt + 1, delayMs);
        await sleep(delayMs);
      }
    }
  }

  /** Writes everything queued so far. */
  async flush(): Promise<void> {
    while (this.pending.length > 0 || this.writes.size > 0) {
      clearTimeout(this.timer);
      this.timer = undefined;
      while (!this.busy && this.pending.length > 0) this.start();
      await Promise.race(this.writes);
    }
  }
}

/**
 * Fans each reading out to every sink's lane; `done` of a reading is called once every sink has written it
 * (or refused it permanently, after `rejected`). That is when the worker may PUBACK it. Sinks are written
 * in parallel and independently: a store that is down holds the acks but not the other stores.
 */
export class BatchWriter<M = Reading, T = Reading> {
  private readonly lanes: SinkLane<M, T>[];
  private closed = false;

  constructor(sinks: readonly Store<T>[], options: BatchWriterOptions, events: BatchWriterEvents<M> = {}) {
    const completed = (item: Tracked<M, T>) => {
      if (--item.remaining === 0) item.done();
    };
    this.lanes = sinks.map((sink) => new SinkLane(sink, options, events, completed));
  }

  /** `message` is what `rejected` hands back: the reading's original message, for its dead letter. */
  add(value: T, message: M, done: () => void): void {
    if (this.closed) throw new Error('BatchWriter is closed');
    const item: Tracked<M, T> = { item: value, message, remaining: this.lanes.length, done };
    for (const lane of this.lanes) lane.add(item);
  }

  /** Every message received so far has been added: see `BatchWriterOptions.writeWhenDrained`. */
  drained(): void {
    for (const lane of this.lanes) lane.drained();
  }

  /** Readings queued in the slowest sink's lane. */
  get backlog(): number {
    return Math.max(0, ...this.lanes.map((l) => l.backlog));
  }

  async flush(): Promise<void> {
    await Promise.all(this.lanes.map((l) => l.flush()));
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }
}
