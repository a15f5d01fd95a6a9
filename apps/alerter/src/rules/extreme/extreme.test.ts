import { describe, expect, it } from 'vitest';
import { feedPower, openAt } from '../../../test/fixtures.js';
import { ruleOf } from '../../../test/rule-of.js';
import { RollingStats } from './extreme.js';

const T0 = Date.UTC(2026, 0, 15, 18);
const extreme = (rules: object = {}) =>
  ruleOf('extreme', { rules: { extreme: { window: 50, min_samples: 20, sigma: 4, clear_after_s: 0, ...rules } } });
/** Deterministic ±200 W noise around 1500 W. */
const usual = (n: number) => Array.from({ length: n }, (_, i) => 1500 + 200 * Math.sin(i * 1.7));

describe('RollingStats', () => {
  it('keeps mean and stddev of the last `window` values', () => {
    const s = new RollingStats();
    for (const x of [100, 1, 2, 3, 4]) s.push(x, 4);
    expect(s.count).toBe(4);
    expect(s.mean).toBe(2.5);
    expect(s.stddev).toBeCloseTo(Math.sqrt(1.25), 9);
  });
});

describe('ExtremeRule', () => {
  it('raises a value far outside the channel’s recent distribution, and not before min_samples', () => {
    const early = extreme();
    feedPower(early, 'h', 'house', 'consumption', T0, 1000, [...usual(10), 20_000]);
    expect(openAt(early, 'h')).toEqual([]); // 10 samples only

    const r = extreme();
    const t = feedPower(r, 'h', 'house', 'consumption', T0, 1000, usual(30));
    expect(openAt(r, 'h')).toEqual([]);
    feedPower(r, 'h', 'house', 'consumption', t, 1000, [9000]);
    expect(openAt(r, 'h')).toEqual([['main/house', t, 9000]]);
    expect(r.evaluate(0).get('h')?.get('main/house')?.message).toMatch(/^9000 W, over 4 σ from the recent mean of/);
    feedPower(r, 'h', 'house', 'consumption', t + 1000, 1000, [1500]);
    expect(openAt(r, 'h')).toEqual([]);
  });

  it('raises above an absolute max_w at once, ignores production channels by default', () => {
    const r = extreme({ max_w: 7000 });
    feedPower(r, 'h', 'house', 'consumption', T0, 1000, [7001]);
    feedPower(r, 'h', 'solar', 'production', T0, 1000, [-9000]);
    expect(openAt(r, 'h')).toEqual([['main/house', T0, 7001]]);
  });
});
