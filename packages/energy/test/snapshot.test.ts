import type { Reading } from '@wattbus/contract';
import { describe, expect, it } from 'vitest';
import type { RollupRecord } from '../src/rollup/record.js';
import { engineFor, HOUR, MIN, paris, parisConfig, reading } from './fixtures.js';

/** A morning of a grid channel (index, power, voltage, a meter swap) and a power-only PV channel, with late readings. */
function morning(): Reading[] {
  const out: Reading[] = [];
  const t0 = paris('2026-01-13T05:40');
  for (let m = 0; m <= 90; m += 2) {
    const serial = m < 50 ? 'A' : 'B';
    const imp = m < 50 ? 1000 + 10 * m : 5 * (m - 50);
    out.push(reading({ ts: t0 + m * MIN, imp, power: 600, ...(m % 4 === 0 && { voltage: 230 + m / 10 }), serial }));
    out.push(reading({ ts: t0 + m * MIN + 30_000, power: -200 - m, channel: 'pv', role: 'production' }));
  }
  // Late readings: one inside a closed quarter, one backfilling before the first.
  out.push(reading({ ts: t0 + 21 * MIN, imp: 1205, power: 600, serial: 'A' }));
  out.push(reading({ ts: t0 - 10 * MIN, imp: 900, power: 600, serial: 'A' }));
  return out;
}

describe('RollupEngine snapshot and restore', () => {
  it('an engine restored from a JSON snapshot emits exactly what the engine that took it would have', () => {
    const readings = morning();
    const half = 60;
    const whole = engineFor(parisConfig(), { late_window_ms: 2 * HOUR });
    const expected: RollupRecord[] = [];
    readings.forEach((r, i) => {
      whole.push(r);
      if (i % 7 === 6 || i === half - 1) expected.push(...whole.drain());
    });
    expected.push(...whole.drain());

    const before = engineFor(parisConfig(), { late_window_ms: 2 * HOUR });
    const got: RollupRecord[] = [];
    readings.slice(0, half).forEach((r, i) => {
      before.push(r);
      if (i % 7 === 6 || i === half - 1) got.push(...before.drain());
    });
    // Snapshot with readings pushed but not drained: the restored engine drains them.
    before.push(readings[half] as Reading);
    const after = engineFor(parisConfig(), { late_window_ms: 2 * HOUR });
    after.restore(JSON.parse(JSON.stringify(before.snapshot())));
    readings.slice(half + 1).forEach((r, j) => {
      const i = half + 1 + j;
      after.push(r);
      if (i % 7 === 6) got.push(...after.drain());
    });
    got.push(...after.drain());

    expect(expected.length).toBeGreaterThan(20);
    expect(expected.some((r) => r.revision > 0)).toBe(true);
    expect(got).toEqual(expected);
    expect(after.held).toEqual(whole.held);
  });

  it('refuses a snapshot of an engine with other intervals', () => {
    const a = engineFor(parisConfig(), { intervals: ['1m', '15m'] });
    const b = engineFor(parisConfig());
    expect(() => b.restore(a.snapshot())).toThrow('snapshot intervals 1m,15m differ from the engine');
  });
});
