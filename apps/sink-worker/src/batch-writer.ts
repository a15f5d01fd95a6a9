import type { Reading } from '@wattbus/contract';
import { backoffDelay } from '@wattbus/mqtt';
import { type Sink, SinkError } from '@wattbus/sinks';

export interface BatchWriterOptions {
  /** Write as soon as this many readings wait… */
  maxBatch: number;
  /** …or when the oldest has waited this long. */
  maxDelayMs: number;
  retryMinMs: number;
  retryMaxMs: number;
}

export interface BatchWriterEvents {
  written?(count: number, elapsedMs: number): void;
  retrying?(error: Error, sink: string, attempt: number, delayMs: number): void;
  /** The store refused the data itself; these readings must go to the dead-letter topic. */
  rejected?(readings: readonly Reading[], error: SinkError): void;
}

interface Pending {
  reading: Reading;
  done: () => void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Batches readings by size or age and writes each batch to every sink in parallel. `done` of a reading is
 * called only when every sink has its batch (or refused it permanently, after `rejected`), which is when
 * the worker may PUBACK it. Transient failures are retried forever with backoff, for the failed sinks only,
 * while new readings keep filling the next batch.
 */
export class BatchWriter {
  private pending: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly sinks: readonly Sink[],
    private readonly options: BatchWriterOptions,
    private readonly events: BatchWriterEvents = {},
  ) {}

  add(reading: Reading, done: () => void): void {
    if (this.closed) throw new Error('BatchWriter is closed');
    this.pending.push({ reading, done });
    if (this.pending.length >= this.options.maxBatch) this.kick();
    else this.timer ??= setTimeout(() => this.kick(), this.options.maxDelayMs);
  }

  /** Readings accepted but not yet written. */
  get backlog(): number {
    return this.pending.length;
  }

  private kick(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.writing || this.pending.length === 0) return;
    this.writing = this.drain().finally(() => {
      this.writing = undefined;
      // Anything that arrived while writing and is already due goes out now; the rest waits for its timer.
      if (this.pending.length >= this.options.maxBatch || (this.pending.length > 0 && this.closed)) this.kick();
      else if (this.pending.length > 0) this.timer ??= setTimeout(() => this.kick(), this.options.maxDelayMs);
    });
  }

  private async drain(): Promise<void> {
    const batch = this.pending.splice(0, this.options.maxBatch);
    const readings = batch.map((p) => p.reading);
    const started = performance.now();
    let remaining = [...this.sinks];
    for (let attempt = 0; remaining.length > 0; attempt++) {
      const results = await Promise.allSettled(remaining.map((s) => s.write(readings)));
      const failed: Array<[Sink, Error]> = [];
      for (const [i, result] of results.entries()) {
        if (result.status === 'fulfilled') continue;
        const error = result.reason instanceof Error ? result.reason : new Error(String(result.reason));
        if (error instanceof SinkError && error.permanent) this.events.rejected?.(readings, error);
        else failed.push([remaining[i] as Sink, error]);
      }
      remaining = failed.map(([sink]) => sink);
      if (remaining.length === 0) break;
      const delayMs = backoffDelay(attempt, this.options.retryMinMs, this.options.retryMaxMs);
      for (const [sink, error] of failed) this.events.retrying?.(error, sink.name, attempt + 1, delayMs);
      await sleep(delayMs);
    }
    this.events.written?.(batch.length, performance.now() - started);
    for (const p of batch) p.done();
  }

  /** Writes everything accepted so far. */
  async flush(): Promise<void> {
    while (this.pending.length > 0 || this.writing) {
      if (!this.writing) this.kick();
      await this.writing;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }
}
