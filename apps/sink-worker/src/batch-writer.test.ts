import type { Reading } from '@wattbus/contract';
import { exampleReading } from '@wattbus/contract';
import { type Sink, SinkError } from '@wattbus/sinks';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BatchWriter } from './batch-writer.js';

/** An in-memory sink that records each batch and can be told to fail. */
class RecordingSink implements Sink {
  batches: number[][] = [];
  failures: Error[] = [];
  constructor(readonly name: string) {}
  async open() {}
  async close() {}
  async write(batch: readonly Reading[]) {
    const failure = this.failures.shift();
    if (failure) throw failure;
    this.batches.push(batch.map((r) => r.seq));
  }
}

const reading = (seq: number): Reading => ({ ...exampleReading(), seq, ts: exampleReading().ts + seq });
const OPTIONS = { maxBatch: 5, maxDelayMs: 250, idleMs: 10, writeWhenDrained: false, retryMinMs: 10, retryMaxMs: 20 };

describe('BatchWriter', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('writes full batches at once, the rest when input goes idle, and calls done only after the write', async () => {
    const sink = new RecordingSink('a');
    const writer = new BatchWriter([sink], OPTIONS);
    const done: number[] = [];
    for (let i = 1; i <= 7; i++) writer.add(reading(i), reading(i), () => done.push(i));
    await vi.advanceTimersByTimeAsync(0);
    expect(sink.batches).toEqual([[1, 2, 3, 4, 5]]);
    expect(done).toEqual([1, 2, 3, 4, 5]);
    await vi.advanceTimersByTimeAsync(9);
    expect(sink.batches).toHaveLength(1); // 6 and 7 wait for the idle deadline
    await vi.advanceTimersByTimeAsync(2);
    expect(sink.batches).toEqual([
      [1, 2, 3, 4, 5],
      [6, 7],
    ]);
    expect(done).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('under a steady trickle, writes at the age deadline rather than never', async () => {
    const sink = new RecordingSink('a');
    const writer = new BatchWriter([sink], { ...OPTIONS, maxBatch: 1000 });
    for (let i = 1; i <= 30; i++) {
      writer.add(reading(i), reading(i), () => {});
      await vi.advanceTimersByTimeAsync(9); // never idle for 10 ms
    }
    expect(sink.batches.length).toBeGreaterThanOrEqual(1);
    expect(sink.batches[0]?.length).toBeLessThanOrEqual(28); // cut at ~250 ms
  });

  it('retries only the failing sink, and acks once every sink has the batch', async () => {
    const good = new RecordingSink('good');
    const flaky = new RecordingSink('flaky');
    flaky.failures.push(new SinkError('flaky', 'down', false), new SinkError('flaky', 'still down', false));
    const retries: string[] = [];
    const writer = new BatchWriter([good, flaky], OPTIONS, {
      retrying: (_e, sink, attempt) => retries.push(`${sink}#${attempt}`),
    });
    const done: number[] = [];
    for (let i = 1; i <= 5; i++) writer.add(reading(i), reading(i), () => done.push(i));
    await vi.advanceTimersByTimeAsync(0);
    expect(good.batches).toEqual([[1, 2, 3, 4, 5]]);
    expect(done).toEqual([]); // flaky does not have them yet
    await vi.advanceTimersByTimeAsync(100);
    expect(retries).toEqual(['flaky#1', 'flaky#2']);
    expect(flaky.batches).toEqual([[1, 2, 3, 4, 5]]);
    expect(good.batches).toHaveLength(1); // not written twice
    expect(done).toEqual([1, 2, 3, 4, 5]);
  });

  it('rejects only the readings a store refuses on their own, writes the rest of their batch, then acks all', async () => {
    const refusedSeqs = new Set([2, 5]);
    const stored: number[] = [];
    const sink: Sink = {
      name: 'picky',
      open: async () => {},
      close: async () => {},
      write: async (batch) => {
        if (batch.some((r) => refusedSeqs.has(r.seq))) throw new SinkError('picky', 'partial write', true);
        stored.push(...batch.map((r) => r.seq));
      },
    };
    const rejected: string[] = [];
    const writer = new BatchWriter<string>([sink], OPTIONS, {
      rejected: (messages, error) => rejected.push(...messages.map((m) => `${m}: ${error.message}`)),
    });
    const done: number[] = [];
    for (let i = 1; i <= 5; i++) writer.add(reading(i), `message ${i}`, () => done.push(i));
    await vi.advanceTimersByTimeAsync(0);
    expect(stored.sort()).toEqual([1, 3, 4]);
    expect(rejected).toEqual(['message 2: sink picky: partial write', 'message 5: sink picky: partial write']);
    expect(done).toEqual([1, 2, 3, 4, 5]);
  });

  it('dead-letters what a sink refuses up front, without sending it, and writes the rest', async () => {
    const sink = new RecordingSink('a');
    const refusing = Object.assign(sink, {
      refuse: (r: Reading) => (r.seq % 2 === 0 ? 'even seqs are not welcome' : undefined),
    });
    const rejected: number[] = [];
    const writer = new BatchWriter([refusing], OPTIONS, { rejected: (rs) => rejected.push(...rs.map((r) => r.seq)) });
    const done: number[] = [];
    for (let i = 1; i <= 5; i++) writer.add(reading(i), reading(i), () => done.push(i));
    await vi.advanceTimersByTimeAsync(0);
    expect(sink.batches).toEqual([[1, 3, 5]]);
    expect(rejected).toEqual([2, 4]);
    expect(done).toEqual([1, 2, 3, 4, 5]);
  });
});

describe('BatchWriter with a sink that takes concurrent writes', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('keeps up to maxConcurrentWrites batches in flight, and acks each batch when it is written', async () => {
    const releases: Array<() => void> = [];
    const started: number[][] = [];
    const sink: Sink = {
      name: 'slow',
      maxConcurrentWrites: 2,
      open: async () => {},
      close: async () => {},
      write: (batch) => {
        started.push(batch.map((r) => r.seq));
        return new Promise<void>((resolve) => releases.push(resolve));
      },
    };
    const writer = new BatchWriter([sink], { ...OPTIONS, maxBatch: 2 });
    const done: number[] = [];
    for (let i = 1; i <= 6; i++) writer.add(reading(i), reading(i), () => done.push(i));
    await vi.advanceTimersByTimeAsync(0);
    expect(started).toEqual([
      [1, 2],
      [3, 4],
    ]); // the third batch waits for a free slot
    releases[1]?.(); // the second finishes first
    await vi.advanceTimersByTimeAsync(0);
    expect(done).toEqual([3, 4]);
    expect(started).toHaveLength(3);
    releases[0]?.();
    releases[2]?.();
    await vi.advanceTimersByTimeAsync(0);
    expect(done.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
  });
});

describe('BatchWriter writing when the input is drained', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** A sink whose writes finish only when the test releases them. */
  const heldSink = (maxConcurrentWrites: number) => {
    const releases: Array<() => void> = [];
    const started: number[][] = [];
    const sink: Sink = {
      name: 'held',
      maxConcurrentWrites,
      open: async () => {},
      close: async () => {},
      write: (batch) => {
        started.push(batch.map((r) => r.seq));
        return new Promise<void>((resolve) => releases.push(resolve));
      },
    };
    return { sink, started, releases };
  };

  it('writes a partial batch once the input is drained, before any idle or age deadline', async () => {
    const sink = new RecordingSink('a');
    const writer = new BatchWriter([sink], { ...OPTIONS, writeWhenDrained: true });
    const done: number[] = [];
    for (let i = 1; i <= 3; i++) writer.add(reading(i), reading(i), () => done.push(i));
    await vi.advanceTimersByTimeAsync(0);
    expect(sink.batches).toEqual([]); // more may still be coming in this turn
    writer.drained();
    await vi.advanceTimersByTimeAsync(0); // no deadline has passed
    expect(sink.batches).toEqual([[1, 2, 3]]);
    expect(done).toEqual([1, 2, 3]);
  });

  it('keeps what arrives during a write for one batch written as soon as that write ends', async () => {
    const { sink, started, releases } = heldSink(4);
    const writer = new BatchWriter([sink], { ...OPTIONS, maxBatch: 100, writeWhenDrained: true });
    const done: number[] = [];
    const add = (i: number) => writer.add(reading(i), reading(i), () => done.push(i));
    add(1);
    add(2);
    writer.drained();
    add(3);
    writer.drained(); // a write is in flight: 3 waits, though three more write slots are free
    add(4);
    writer.drained();
    await vi.advanceTimersByTimeAsync(0);
    expect(started).toEqual([[1, 2]]);
    releases[0]?.();
    await vi.advanceTimersByTimeAsync(0);
    expect(done).toEqual([1, 2]);
    expect(started).toEqual([
      [1, 2],
      [3, 4],
    ]);
    releases[1]?.();
    await vi.advanceTimersByTimeAsync(0);
    expect(done).toEqual([1, 2, 3, 4]);
  });

  it('still writes at the age deadline while a write hangs, in another write slot', async () => {
    const { sink, started } = heldSink(2);
    const writer = new BatchWriter([sink], { ...OPTIONS, maxBatch: 100, idleMs: 1000, writeWhenDrained: true });
    writer.add(reading(1), reading(1), () => {});
    writer.drained();
    writer.add(reading(2), reading(2), () => {});
    writer.drained();
    await vi.advanceTimersByTimeAsync(249);
    expect(started).toEqual([[1]]);
    await vi.advanceTimersByTimeAsync(1);
    expect(started).toEqual([[1], [2]]);
  });

  it('writes nothing on a drained input when the option is off', async () => {
    const sink = new RecordingSink('a');
    const writer = new BatchWriter([sink], { ...OPTIONS, idleMs: 1000 });
    writer.add(reading(1), reading(1), () => {});
    writer.drained();
    await vi.advanceTimersByTimeAsync(249);
    expect(sink.batches).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(sink.batches).toEqual([[1]]);
  });
});
