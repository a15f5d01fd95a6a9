import { describe, expect, it } from 'vitest';
import { feedPower, openAt } from '../../../test/fixtures.js';
import { ruleOf } from '../../../test/rule-of.js';

const T0 = Date.UTC(2026, 5, 1, 12);
const signRule = (over: object = {}) => ruleOf('sign', over);

describe('SignRule', () => {
  it('raises negative consumption and positive production beyond the tolerance, held 5 min, not grid', () => {
    const r = signRule();
    feedPower(r, 'house-1', 'house', 'consumption', T0, 60_000, Array(7).fill(-300));
    feedPower(r, 'house-1', 'solar', 'production', T0, 60_000, Array(7).fill(400));
    feedPower(r, 'house-1', 'grid', 'grid', T0, 60_000, Array(7).fill(-3000));
    feedPower(r, 'house-1', 'tiny', 'consumption', T0, 60_000, Array(7).fill(-40)); // within 50 W
    expect(openAt(r, 'house-1')).toEqual([
      ['main/house', T0, -300],
      ['main/solar', T0, 400],
    ]);
    expect(r.evaluate(0).get('house-1')?.get('main/house')?.message).toBe(
      'negative consumption: -300 W (check the sign factor)',
    );
  });

  it('does not raise a condition shorter than raise_after_s, and resolves after clear_after_s', () => {
    const r = signRule();
    let t = feedPower(r, 'h', 'house', 'consumption', T0, 60_000, [-300, -300, -300, 100]); // 3 min bad
    expect(openAt(r, 'h')).toEqual([]);
    t = feedPower(r, 'h', 'house', 'consumption', t, 60_000, Array(6).fill(-300));
    expect(openAt(r, 'h').map((o) => o[0])).toEqual(['main/house']);
    t = feedPower(r, 'h', 'house', 'consumption', t, 60_000, Array(5).fill(100)); // 4 min ok
    expect(openAt(r, 'h').map((o) => o[0])).toEqual(['main/house']);
    feedPower(r, 'h', 'house', 'consumption', t, 60_000, [100]);
    expect(openAt(r, 'h')).toEqual([]);
  });

  it('ignores late and out-of-order readings: a stale negative value does not reopen a resolved channel', () => {
    const r = signRule({ rules: { sign: { raise_after_s: 0, clear_after_s: 0 } } });
    feedPower(r, 'h', 'house', 'consumption', T0, 1000, [100, 100]);
    feedPower(r, 'h', 'house', 'consumption', T0 - 60_000, 1000, [-500]); // late
    feedPower(r, 'h', 'house', 'consumption', T0 + 1000, 1000, [-500]); // replay of an existing ts
    expect(openAt(r, 'h')).toEqual([]);
  });

  it('takes per-site/channel overrides, later ones winning, without resetting other keys to defaults', () => {
    const r = signRule({
      rules: { sign: { raise_after_s: 0 } },
      overrides: [
        { site: 'h', sign: { tolerance_w: 500 } },
        { site: 'h', channel: 'pv2', sign: { enabled: false } },
      ],
    });
    feedPower(r, 'h', 'house', 'consumption', T0, 1000, [-400]);
    feedPower(r, 'h', 'pv2', 'production', T0, 1000, [9000]);
    feedPower(r, 'other', 'house', 'consumption', T0, 1000, [-400]);
    expect(openAt(r, 'h')).toEqual([]);
    expect(openAt(r, 'other')).toEqual([['main/house', T0, -400]]);
  });
});
