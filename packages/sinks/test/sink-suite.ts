import { exampleReading, type Reading, type Rollup } from '@wattbus/contract';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Sink } from '../src/sink.js';

/** What a sink's test harness gives the shared suite: the sink, and a way to read back what it stored. */
export interface SinkHarness {
  sink: Sink;
  /** Every stored reading, as stored (for the file sink: every appended line). */
  readBack(): Promise<Reading[]>;
  /** Keyed stores overwrite a reading written twice; append logs keep both copies. */
  idempotent: boolean;
  /** Every stored rollup (keyed stores hold one per key); absent for a sink that does not store rollups. */
  readRollups?(): Promise<StoredRollup[]>;
  cleanup(): Promise<void>;
}

export type StoredRollup = Pick<Rollup, 'key' | 'revision' | 'energy_import_wh' | 'coverage'>;

/** A quarter-hour rollup of channel `grid` starting `q` quarters after 2026-01-13 09:00 UTC. */
export function rollup(q: number, revision: number, energy: number | null): Rollup {
  const start = Date.UTC(2026, 0, 13, 9) + q * 900_000;
  return {
    v: 1,
    key: `house-1/main/grid/15m/${start}`,
    site: 'house-1',
    meter: 'main',
    channel: 'grid',
    role: 'grid',
    interval: '15m',
    start,
    end: start + 900_000,
    revision,
    readings: 15,
    coverage: energy === null ? 0 : 0.5 + revision / 4,
    estimated_ms: 0,
    resets: 0,
    energy_import_wh: energy,
    energy_export_wh: energy === null ? null : 0,
    energy_source: { import: energy === null ? null : 'index', export: energy === null ? null : 'index' },
    periods: energy === null ? {} : { HP: { import_wh: energy, export_wh: 0 } },
    tariff: 'fr-hphc',
    power_w: { mean: 600, min: 580, max: 640.5 },
    voltage_v: null,
    cost: {
      currency: 'EUR',
      import: energy === null ? null : energy * 0.00025,
      export: 0,
      standing: null,
      unknown: null,
    },
  };
}

const stored = (r: Rollup): StoredRollup => ({
  key: r.key,
  revision: r.revision,
  energy_import_wh: r.energy_import_wh,
  coverage: r.coverage,
});
const byKey = (rs: StoredRollup[]) => [...rs].sort((a, b) => a.key.localeCompare(b.key) || a.revision - b.revision);

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

    it('stores rollups keyed by site, meter, channel, interval and start; writing them again changes nothing', async () => {
      if (!h.readRollups) return expect(h.sink.writeRollups).toBeUndefined();
      const batch = [rollup(0, 0, 150), rollup(1, 0, 120.25), rollup(2, 0, null)];
      await h.sink.writeRollups?.(batch);
      await h.sink.writeRollups?.(batch.slice(0, 2));
      const got = byKey(await h.readRollups());
      if (h.idempotent) expect(got).toEqual(byKey(batch.map(stored)));
      else expect(got).toEqual(byKey([...batch, ...batch.slice(0, 2)].map(stored)));
    });

    it('a newer revision of a rollup replaces the older, also within one batch in any order', async () => {
      if (!h.readRollups) return expect(h.sink.writeRollups).toBeUndefined();
      await h.sink.writeRollups?.([rollup(0, 0, 100), rollup(1, 1, 130), rollup(1, 0, 90)]);
      await h.sink.writeRollups?.([rollup(0, 1, 150)]);
      const got = byKey(await h.readRollups());
      // An append log keeps every revision it was given; readers keep the highest per key.
      const newest = [rollup(0, 1, 150), rollup(1, 1, 130)].map(stored);
      if (h.idempotent) expect(got).toEqual(byKey(newest));
      else
        expect(got).toEqual(
          byKey([rollup(0, 0, 100), rollup(1, 1, 130), rollup(1, 0, 90), rollup(0, 1, 150)].map(stored)),
        );
    });

    it('keeps several batches, in any order', async () => {
      await h.sink.write(readings(5, 5));
      await h.sink.write(readings(5, 0));
      expect(sorted(await h.readBack())).toEqual(sorted(readings(10)));
    });
  });
}
