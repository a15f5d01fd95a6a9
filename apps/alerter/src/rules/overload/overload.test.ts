import type { Alert } from '@wattbus/contract';
import { describe, expect, it } from 'vitest';
import { feedPower, openAt } from '../../../test/fixtures.js';
import { ruleOf } from '../../../test/rule-of.js';

const T0 = Date.UTC(2026, 0, 15, 18);
const S = 1000;
const overload = () =>
  ruleOf('overload', {
    rules: { overload: { raise_after_s: 60, clear_after_s: 120 } },
    overrides: [{ site: 'house-12', channel: 'grid', overload: { limit_w: 9000 } }],
  });

describe('OverloadRule', () => {
  it('raises power above the limit held for raise_after_s, only where a limit is configured', () => {
    const r = overload();
    feedPower(r, 'house-12', 'grid', 'grid', T0, 10 * S, Array(7).fill(9500));
    feedPower(r, 'house-13', 'grid', 'grid', T0, 10 * S, Array(7).fill(50_000));
    expect(openAt(r, 'house-12')).toEqual([['main/grid', T0, 9500]]);
    expect(openAt(r, 'house-13')).toEqual([]);
    expect(r.evaluate(0).get('house-12')?.get('main/grid')?.message).toBe('9500 W above the limit of 9000 W');
  });

  it('does not flap around the limit: below limit × 0.95 for clear_after_s resolves, the band in between holds', () => {
    const r = overload();
    let t = feedPower(r, 'house-12', 'grid', 'grid', T0, 10 * S, Array(7).fill(9500));
    // wobbling between 8700 and 9100 for 10 minutes: stays open, one alert
    t = feedPower(r, 'house-12', 'grid', 'grid', t, 10 * S, Array(60).fill([8700, 9100]).flat());
    expect(openAt(r, 'house-12')).toEqual([['main/grid', T0, 9100]]);
    t = feedPower(r, 'house-12', 'grid', 'grid', t, 10 * S, Array(13).fill(8000));
    expect(openAt(r, 'house-12')).toEqual([]);
    // short spikes above the limit (< 60 s) never raise
    feedPower(r, 'house-12', 'grid', 'grid', t, 10 * S, Array(30).fill([9900, 9900, 9900, 8000]).flat());
    expect(openAt(r, 'house-12')).toEqual([]);
  });

  it('keeps an alert restored after a restart open (same since) until it clears', () => {
    const r = overload();
    const retained: Alert = {
      v: 1,
      site: 'house-12',
      rule: 'overload',
      ts: T0,
      state: 'raised',
      severity: 'critical',
      message: 'before',
      open: [{ subject: 'main/grid', since: T0 - 3_600_000, message: '9600 W above the limit of 9000 W', value: 9600 }],
    };
    r.onRestore?.(retained, T0);
    const t = feedPower(r, 'house-12', 'grid', 'grid', T0, 10 * S, Array(5).fill(9700));
    expect(openAt(r, 'house-12')).toEqual([['main/grid', T0 - 3_600_000, 9700]]);
    feedPower(r, 'house-12', 'grid', 'grid', t, 10 * S, Array(13).fill(1000));
    expect(openAt(r, 'house-12')).toEqual([]);
  });
});
