import { ConfigError } from '@wattbus/config';
import { describe, expect, it } from 'vitest';
import { config } from './fixtures.js';

/** The problems the alerter's config schema finds in these overrides, as `path: message` lines. */
function problems(overrides: object[]): string[] {
  try {
    config({ overrides });
    return [];
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err.issues.map((i) => `${i.path}: ${i.message}`);
  }
}

describe('overrides (generated from each rule’s settings)', () => {
  it('may set any setting of a channel rule, without taking its defaults', () => {
    expect(problems([{ site: 'h', sign: { tolerance_w: 5 }, extreme: { roles: ['grid'], max_w: 9000 } }])).toEqual([]);
    const [o] = config({ overrides: [{ channel: 'grid', overload: { limit_w: 9000 } }] }).overrides;
    expect(o?.overload).toEqual({ limit_w: 9000 });
  });

  it('refuses what the rule has no setting for, and values its settings schema refuses', () => {
    expect(problems([{ sign: { tolerance: 5 } }])).toEqual([
      expect.stringMatching(/^overrides\[0\]\.sign\.tolerance: /),
    ]);
    expect(problems([{ voltage: { min_v: -1 } }])).toEqual([
      expect.stringMatching(/^overrides\[0\]\.voltage\.min_v: /),
    ]);
    expect(problems([{ no_such_rule: {} }])).toEqual([expect.stringMatching(/^overrides\[0\]\.no_such_rule: /)]);
  });

  it('may set only after_intervals of missing_data, and must; nothing of delivery_lag (judged per site)', () => {
    expect(problems([{ missing_data: { after_intervals: 10 } }])).toEqual([]);
    expect(problems([{ missing_data: { offline_grace_ms: 0 } }])).toEqual([
      expect.stringMatching(/^overrides\[0\]\.missing_data/),
      expect.stringMatching(/^overrides\[0\]\.missing_data/),
    ]);
    expect(problems([{ site: 'h', delivery_lag: { max_lag_ms: 60_000 } }])).toEqual([
      expect.stringMatching(/^overrides\[0\]\.delivery_lag\.max_lag_ms: /),
    ]);
  });
});
