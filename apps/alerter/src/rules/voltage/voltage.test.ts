import { describe, expect, it } from 'vitest';
import { openAt, reading } from '../../../test/fixtures.js';
import { ruleOf } from '../../../test/rule-of.js';

const T0 = Date.UTC(2026, 0, 15, 18);

describe('VoltageRule', () => {
  it('raises a phase voltage outside 207–253 V held for raise_after_s, with hysteresis to resolve', () => {
    const r = ruleOf('voltage', { rules: { voltage: { raise_after_s: 10, clear_after_s: 10 } } });
    const feed = (ts: number, l2: number) =>
      r.onReading?.(reading('h', 'grid', 'grid', ts, { voltage_v_l1: 231, voltage_v_l2: l2 }), ts);
    feed(T0, 258);
    feed(T0 + 5000, 230); // a short swell: run restarts
    feed(T0 + 6000, 258);
    feed(T0 + 15_000, 258);
    expect(openAt(r, 'h')).toEqual([]);
    feed(T0 + 16_000, 258);
    expect(openAt(r, 'h')).toEqual([['main/grid', T0 + 6000, 258]]);
    feed(T0 + 20_000, 252); // inside the limits but within the 2 V band: holds
    feed(T0 + 40_000, 252);
    expect(openAt(r, 'h').length).toBe(1);
    feed(T0 + 41_000, 240);
    feed(T0 + 51_000, 240);
    expect(openAt(r, 'h')).toEqual([]);
    feed(T0 + 60_000, 200);
    feed(T0 + 70_000, 200);
    expect(r.evaluate(0).get('h')?.get('main/grid')?.message).toBe('voltage_v_l2 200 V outside 207–253 V');
  });

  it('judges a single-phase voltage_v, and not voltage_v_n (neutral to earth, near 0 V)', () => {
    const r = ruleOf('voltage', { rules: { voltage: { raise_after_s: 0 } } });
    const feed = (ts: number, v: number) =>
      r.onReading?.(reading('h', 'grid', 'grid', ts, { voltage_v: v, voltage_v_n: 0.4, current_a_n: 0.1 }), ts);
    feed(T0, 231);
    expect(openAt(r, 'h')).toEqual([]);
    feed(T0 + 1000, 205);
    expect(r.evaluate(0).get('h')?.get('main/grid')?.message).toBe('voltage_v 205 V outside 207–253 V');
  });
});
