import type { Reading, Rollup } from '@wattbus/contract';
import type { Sink } from '@wattbus/sinks';

/**
 * A sink that opens itself on first write and again after a failed open. The worker can then subscribe
 * while a store is still down: the batch writer's retries (acks held) cover the open as well as the write,
 * and one unreachable store never keeps the others from being written.
 */
export class LazyOpenSink implements Sink {
  private opened = false;
  constructor(private readonly inner: Sink) {}

  get name(): string {
    return this.inner.name;
  }

  get maxConcurrentWrites(): number | undefined {
    return this.inner.maxConcurrentWrites;
  }

  get refuse(): Sink['refuse'] {
    return this.inner.refuse;
  }

  async open(): Promise<void> {
    await this.inner.open();
    this.opened = true;
  }

  async write(batch: readonly Reading[]): Promise<void> {
    if (!this.opened) await this.open();
    await this.inner.write(batch);
  }

  /** Only where the inner sink stores rollups. */
  get writeRollups(): Sink['writeRollups'] {
    const inner = this.inner;
    if (inner.writeRollups === undefined) return undefined;
    return async (batch: readonly Rollup[]) => {
      if (!this.opened) await this.open();
      await inner.writeRollups?.(batch);
    };
  }

  async close(): Promise<void> {
    if (this.opened) await this.inner.close();
  }
}
