import { describe, expect, it } from 'vitest';
import type { RollupRecord } from '../src/rollup/record.js';
import { engineFor, HOUR, latest, MIN, paris, parisConfig, reading } from './fixtures.js';

/** mulberry32: a small seeded PRNG, so a failing stream can be replayed from its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Sample {
  ts: number;
  imp: number;
}

/** Readings every 1 s to 3 min, now and then a gap of up to 2 h, a random load; the index rises by its energy. */
function stream(seed: number, from: number, to: number): Sample[] {
  const random = prng(seed);
  const samples: Sample[] = [];
  let imp = 1_000_000 * random();
  let power = 500;
  for (let ts = from; ts <= to; ) {
    samples.push({ ts, imp });
    const step = random() < 0.01 ? Math.ceil(random() * 2 * HOUR) : 1000 + Math.floor(random() * 3 * MIN);
    power = Math.max(0, power + (random() - 0.5) * 400);
    imp += (power * step) / HOUR;
    ts += step;
  }
  return samples;
}

/** The index at `ts` by linear interpolation between the samples around it. */
function indexAt(samples: Sample[], ts: number): number {
  const after = samples.findIndex((s) => s.ts >= ts);
  const b = samples[after] as Sample;
  const a = samples[after - 1] as Sample;
  if (b.ts === ts) return b.imp;
  return a.imp + ((b.imp - a.imp) * (ts - a.ts)) / (b.ts - a.ts);
}

/** Pushes the samples with a share of them late (up to `lateBy` behind) and some twice, as a backlog replay would. */
function pushShuffled(seed: number, samples: Sample[], lateBy: number) {
  const random = prng(seed ^ 0x5eed);
  const engine = engineFor(parisConfig());
  const held: Sample[] = [];
  const records: RollupRecord[] = [];
  for (const sample of samples) {
    if (random() < 0.05) held.push(sample);
    else engine.push(reading({ ts: sample.ts, imp: sample.imp }));
    while (held.length > 0 && sample.ts - (held[0] as Sample).ts > lateBy * random()) {
      const late = held.shift() as Sample;
      engine.push(reading({ ts: late.ts, imp: late.imp }));
      if (random() < 0.3) engine.push(reading({ ts: late.ts, imp: late.imp }));
    }
    if (random() < 0.01) records.push(...engine.drain());
  }
  for (const late of held) engine.push(reading({ ts: late.ts, imp: late.imp }));
  records.push(...engine.drain());
  return latest(records);
}

describe('property: a day adds up', () => {
  // Three Paris days around the 2026 spring DST change (the 23-hour day in the middle), several seeds.
  for (const seed of [1, 2, 3, 20, 2026]) {
    it(`seed ${seed}: the 1-min, 15-min and 1-h rollups of each day sum to the day's rollup and its index delta`, () => {
      const from = paris('2026-03-27T22:00');
      const to = paris('2026-03-31T02:00');
      const samples = stream(seed, from, to);
      const records = [...pushShuffled(seed, samples, 3 * HOUR).values()];
      for (const date of ['2026-03-28', '2026-03-29', '2026-03-30']) {
        const start = paris(`${date}T00:00`);
        const day = records.find((r) => r.interval === '1d' && r.start === start);
        expect(day, date).toBeDefined();
        const end = (day as RollupRecord).end;
        const delta = indexAt(samples, end) - indexAt(samples, start);
        expect(day?.energy_import_wh).toBeCloseTo(delta, 4);
        for (const name of ['1m', '15m', '1h'] as const) {
          const parts = records.filter((r) => r.interval === name && r.start >= start && r.end <= end);
          const sum = parts.reduce((total, r) => total + (r.energy_import_wh ?? 0), 0);
          expect(sum, `${date} ${name}`).toBeCloseTo(delta, 4);
        }
        const periods = Object.values(day?.periods ?? {}).reduce((total, p) => total + p.import_wh, 0);
        expect(periods).toBeCloseTo(delta, 4);
      }
    });
  }
});
