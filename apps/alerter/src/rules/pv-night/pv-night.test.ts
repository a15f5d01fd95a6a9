import { describe, expect, it } from 'vitest';
import { feedPower, openAt, siteInfo } from '../../../test/fixtures.js';
import { ruleOf } from '../../../test/rule-of.js';

const BRUSSELS = { lat: 50.85, lon: 4.35 };
const LONGYEARBYEN = { lat: 78.22, lon: 15.65 }; // well inside the polar circle
const MIN = 60_000;

function pvRule(site: string, location?: { lat: number; lon: number }) {
  const r = ruleOf('pv-night', { rules: { pv_night: { raise_after_s: 600, clear_after_s: 600 } } });
  r.onInfo?.(siteInfo(site, location), 0);
  return r;
}

/** Production of `w` watts every minute for `minutes` from `t0` (UTC ms); the open subjects after. */
function produce(site: string, location: { lat: number; lon: number }, t0: number, minutes: number, w = -800) {
  const r = pvRule(site, location);
  feedPower(r, site, 'solar', 'production', t0, MIN, Array(minutes + 1).fill(w));
  return openAt(r, site).map(([s, since]) => [s, since]);
}

describe('PvNightRule', () => {
  it('raises production at night and not by day, across the spring DST change (UTC only)', () => {
    // Brussels switches to CEST on 2026-03-29 at 01:00 UTC; the sun rises near 04:20 UTC either way.
    const night = Date.UTC(2026, 2, 29, 0, 30);
    expect(produce('h', BRUSSELS, night, 15)).toEqual([['main/solar', night]]);
    expect(produce('h', BRUSSELS, Date.UTC(2026, 2, 29, 11, 0), 15)).toEqual([]);
    // 05:00 UTC is 07:00 local after the change: the sun is up, whatever the local clock says.
    expect(produce('h', BRUSSELS, Date.UTC(2026, 2, 29, 5, 0), 15)).toEqual([]);
    // An hour after sunset (civil twilight still) is not night yet; two hours after is.
    expect(produce('h', BRUSSELS, Date.UTC(2026, 2, 28, 18, 10), 15)).toEqual([]);
    const late = Date.UTC(2026, 2, 28, 20, 0);
    expect(produce('h', BRUSSELS, late, 15)).toEqual([['main/solar', late]]);
  });

  it('gives the same answers whatever the process time zone', () => {
    const before = process.env.TZ;
    try {
      const answers = ['UTC', 'Europe/Brussels', 'Pacific/Auckland'].map((tz) => {
        process.env.TZ = tz;
        return produce('h', BRUSSELS, Date.UTC(2026, 9, 25, 0, 30), 15); // autumn DST night
      });
      expect(answers).toEqual([[['main/solar', Date.UTC(2026, 9, 25, 0, 30)]], answers[0], answers[0]]);
    } finally {
      process.env.TZ = before;
    }
  });

  it('knows the midnight sun in June and the polar night in December', () => {
    // local midnight (UTC+1/+2): the sun stays up in June...
    expect(produce('polar', LONGYEARBYEN, Date.UTC(2026, 5, 21, 22, 0), 15)).toEqual([]);
    // ...and never rises in December, even at noon.
    const noon = Date.UTC(2026, 11, 21, 11, 0);
    expect(produce('polar', LONGYEARBYEN, noon, 15)).toEqual([['main/solar', noon]]);
  });

  it('tolerates standby draw, waits for raise_after_s, and says nothing without a location', () => {
    const night = Date.UTC(2026, 0, 10, 23, 0);
    expect(produce('h', BRUSSELS, night, 15, -15)).toEqual([]); // within 20 W
    expect(produce('h', BRUSSELS, night, 9)).toEqual([]); // 9 min < 10 min
    const r = pvRule('nowhere');
    feedPower(r, 'nowhere', 'solar', 'production', night, MIN, Array(20).fill(-800));
    expect(openAt(r, 'nowhere')).toEqual([]);
  });

  it('resolves when the sun comes up, after clear_after_s', () => {
    const r = pvRule('h', BRUSSELS);
    const t = feedPower(r, 'h', 'solar', 'production', Date.UTC(2026, 5, 1, 1, 0), MIN, Array(11).fill(-500));
    expect(openAt(r, 'h').length).toBe(1);
    feedPower(r, 'h', 'solar', 'production', t, MIN, Array(10).fill(0)); // 9 min of zero
    expect(openAt(r, 'h').length).toBe(1);
    feedPower(r, 'h', 'solar', 'production', t + 10 * MIN, MIN, [0]);
    expect(openAt(r, 'h')).toEqual([]);
  });
});
