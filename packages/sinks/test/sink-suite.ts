import { exampleReading, type Reading } from '@wattbus/contract';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Sink } from '../src/sink.js';

/** What a sink's test harness gives the shared suite: the sink, and a way to read back what it stored. */
export interface SinkHarness {
  sink: Sink;
  /** Every stored reading, as stored (for the file sink: every appended line). */
  readBack(): Promise<Reading[]>;
  /** Keyed stores overwrite a reading written twice; append logs keep both copies. */
  idempotent: boolean;
  cleanup(): Promise<void>;
}

const readings = (n: number, from = 0): Reading[] =>
  Array.from({ length: n }, (_, k) => from + k).map((i) => ({
    ...exampleReading(),
    channel: i % 2 === 0 ? 'grid' : 'production',
    role: i % 2 === 0 ? 'grid' : 'production',
    seq: i + 1,
    ts: 1763800000000 + i * 1000,
    values: { power_w: i % 2 === 0 ? 1000.5 + i : -(250 + i), energy_import_wh: 1200345 + i },
  }));

const sortKey = (r: Reading) => `${r.site}/${r.meter}/${r.channel}@${r.ts}`;
const sorted = (rs: Reading[]) => [...rs].sort((a, b) => sortKey(a).localeCompare(sortKey(b)));

/** The behaviour every sink must have, run against each real store (Aedes-style abstract suite). */
export function sinkSuite(name: string, makeHarness: () => Promise<SinkHarness>): void {
  describe(`${name} sink (shared suite)`, () => {
    let h: SinkHarness;
    beforeEach(async () => {
      h = await makeHarness();
      await h.sink.open();
    });
    afterEach(async () => {
      await h.sink.close();
      await h.cleanup();
    });

    it('stores a batch with every value, tag and timestamp intact', async () => {
      const batch = readings(20);
      await h.sink.write(batch);
      expect(sorted(await h.readBack())).toEqual(sorted(batch));
    });

    it('accepts an empty batch and writes nothing', async () => {
      await h.sink.write([]);
      expect(await h.readBack()).toEqual([]);
    });

    it('writing a batch again does not duplicate readings in a keyed store', async () => {
      const batch = readings(10);
      await h.sink.write(batch);
      await h.sink.write(batch.slice(0, 5));
      const stored = await h.readBack();
      expect(stored).toHaveLength(h.idempotent ? 10 : 15);
      expect(new Set(stored.map(sortKey)).size).toBe(10);
    });

    it('keeps several batches, in any order', async () => {
      await h.sink.write(readings(5, 5));
      await h.sink.write(readings(5, 0));
      expect(sorted(await h.readBack())).toEqual(sorted(readings(10)));
    });
  });
}
