import { parseConfig } from '@wattbus/config';
import { type Alert, exampleReading, type Info, type Reading, type Status } from '@wattbus/contract';
import { describe, expect, it } from 'vitest';
import { AlerterConfigSchema } from '../../config.js';
import { createRules } from '../index.js';
import type { OpenSubject } from '../rule.js';
import { MissingDataRule } from './missing-data.js';

const T0 = 1_763_800_000_000;
const SITE = 'house-12';

const rule = () => new MissingDataRule({ afterIntervals: 3, defaultIntervalMs: 1000 });

const info = (site: string, meters: Array<{ id: string; interval_ms: number; channels: string[] }>): Info => ({
  v: 1,
  site,
  ts: T0,
  meters: meters.map((m) => ({
    id: m.id,
    driver: 'simulated',
    interval_ms: m.interval_ms,
    channels: m.channels.map((id) => ({ id, role: 'grid' as const })),
  })),
});

let seq = 0;
const reading = (site: string, meter: string, channel: string, ts: number): Reading => ({
  ...exampleReading(),
  site,
  meter,
  channel,
  seq: ++seq,
  ts,
});

const status = (state: Status['state'], ts: number): Status => ({ v: 1, state, ts, agent: '0.1.0' });

/** The open subjects of `site`, sorted, as [subject, since, message]. */
function openAt(r: MissingDataRule, now: number, site = SITE): Array<[string, number, string]> {
  const open = r.evaluate(now).get(site) ?? new Map<string, OpenSubject>();
  return [...open]
    .map(([subject, o]): [string, number, string] => [subject, o.since, o.message])
    .sort((a, b) => a[0].localeCompare(b[0]));
}

const subjects = (r: MissingDataRule, now: number, site = SITE) => openAt(r, now, site).map(([s]) => s);

describe('MissingDataRule: silent channels', () => {
  it('uses the interval from info: missing after 3 × 200 ms without a reading, not before', () => {
    const r = rule();
    r.onInfo(info(SITE, [{ id: 'main', interval_ms: 200, channels: ['grid', 'solar'] }]), T0);
    expect(r.evaluate(T0).size).toBe(0);
    expect(r.evaluate(T0 + 599).size).toBe(0);
    expect(openAt(r, T0 + 601)).toEqual([
      ['main/grid', T0, 'no reading for over 3 × 200 ms'],
      ['main/solar', T0, 'no reading for over 3 × 200 ms'],
    ]);
  });

  it('counts from the last reading of each channel separately', () => {
    const r = rule();
    r.onInfo(info(SITE, [{ id: 'main', interval_ms: 200, channels: ['grid', 'solar'] }]), T0);
    r.onReading(reading(SITE, 'main', 'grid', T0 + 100), T0 + 100);
    r.onReading(reading(SITE, 'main', 'grid', T0 + 400), T0 + 400);
    r.onReading(reading(SITE, 'main', 'solar', T0 + 150), T0 + 150);
    expect(subjects(r, T0 + 749)).toEqual([]);
    // solar: last seen T0+150, missing from T0+750; grid: last seen T0+400, missing from T0+1000
    expect(openAt(r, T0 + 751)).toEqual([['main/solar', T0 + 150, 'no reading for over 3 × 200 ms']]);
    expect(subjects(r, T0 + 999)).toEqual(['main/solar']);
    expect(subjects(r, T0 + 1001)).toEqual(['main/grid', 'main/solar']);
  });

  it('uses the default interval for meters without info, and the info interval once it arrives', () => {
    const r = rule();
    r.onReading(reading(SITE, 'main', 'grid', T0), T0);
    r.onReading(reading(SITE, 'sub', 'heatpump', T0), T0);
    expect(subjects(r, T0 + 2999)).toEqual([]);
    expect(openAt(r, T0 + 3001)).toEqual([
      ['main/grid', T0, 'no reading for over 3 × 1 s'],
      ['sub/heatpump', T0, 'no reading for over 3 × 1 s'],
    ]);

    r.onInfo(info(SITE, [{ id: 'sub', interval_ms: 10_000, channels: ['heatpump'] }]), T0 + 3002);
    // sub now has a 10 s interval: not missing until 30 s after its last reading
    expect(subjects(r, T0 + 3003)).toEqual(['main/grid']);
    expect(openAt(r, T0 + 30_001)).toEqual([
      ['main/grid', T0, 'no reading for over 3 × 1 s'],
      ['sub/heatpump', T0, 'no reading for over 3 × 10 s'],
    ]);
  });

  it('applies the meter interval from info to channels that info does not list', () => {
    const r = rule();
    r.onInfo(info(SITE, [{ id: 'main', interval_ms: 200, channels: ['grid'] }]), T0);
    r.onReading(reading(SITE, 'main', 'extra', T0), T0);
    r.onReading(reading(SITE, 'main', 'grid', T0), T0);
    expect(subjects(r, T0 + 601)).toEqual(['main/extra', 'main/grid']);
  });

  it('resolves a missing channel when a reading arrives, and keeps its since while it stays open', () => {
    const r = rule();
    r.onInfo(info(SITE, [{ id: 'main', interval_ms: 200, channels: ['grid', 'solar'] }]), T0);
    r.onReading(reading(SITE, 'main', 'grid', T0 + 50), T0 + 50);
    expect(openAt(r, T0 + 700)).toEqual([
      ['main/grid', T0 + 50, 'no reading for over 3 × 200 ms'],
      ['main/solar', T0, 'no reading for over 3 × 200 ms'],
    ]);
    expect(openAt(r, T0 + 5000)).toEqual(openAt(r, T0 + 700));

    r.onReading(reading(SITE, 'main', 'solar', T0 + 5001), T0 + 5001);
    expect(subjects(r, T0 + 5002)).toEqual(['main/grid']);
    r.onReading(reading(SITE, 'main', 'grid', T0 + 5003), T0 + 5003);
    expect(r.evaluate(T0 + 5004).get(SITE)?.size ?? 0).toBe(0);
  });

  it('judges on measurement time: a replayed backlog neither resolves a silent channel nor moves its since', () => {
    const r = rule();
    r.onInfo(info(SITE, [{ id: 'main', interval_ms: 1000, channels: ['grid'] }]), T0);
    r.onReading(reading(SITE, 'main', 'grid', T0 + 10_000), T0 + 10_000);
    const ended = T0 + 3_600_000;
    expect(openAt(r, ended)).toEqual([['main/grid', T0 + 10_000, 'no reading for over 3 × 1 s']]);
    // The agent comes back an hour later and replays what it queued until its meter failed at T0 + 20 s.
    for (let ts = T0 + 11_000; ts <= T0 + 20_000; ts += 1000) r.onReading(reading(SITE, 'main', 'grid', ts), ended);
    expect(openAt(r, ended + 1)).toEqual([['main/grid', T0 + 20_000, 'no reading for over 3 × 1 s']]);
    expect(openAt(r, ended + 10_000)).toEqual([['main/grid', T0 + 20_000, 'no reading for over 3 × 1 s']]);
    // A live reading resolves it; one stamped ahead of the alerter's clock counts as taken on arrival.
    r.onReading(reading(SITE, 'main', 'grid', ended + 60_000), ended + 10_000);
    expect(subjects(r, ended + 12_999)).toEqual([]);
    expect(openAt(r, ended + 13_000)).toEqual([['main/grid', ended + 10_000, 'no reading for over 3 × 1 s']]);
  });

  it('watches sites independently', () => {
    const r = rule();
    r.onInfo(info('house-a', [{ id: 'main', interval_ms: 200, channels: ['grid'] }]), T0);
    r.onInfo(info('house-b', [{ id: 'main', interval_ms: 1000, channels: ['grid'] }]), T0);
    const open = r.evaluate(T0 + 700);
    expect([...open.keys()]).toEqual(['house-a']);
    expect(subjects(r, T0 + 3001, 'house-b')).toEqual(['main/grid']);
  });
});

describe('MissingDataRule: agent status', () => {
  it('opens subject "site" while the agent is offline and clears it when it is back online', () => {
    const r = rule();
    r.onStatus(SITE, status('online', T0), T0);
    expect(r.evaluate(T0 + 1).size).toBe(0);

    r.onStatus(SITE, status('offline', T0 + 1000), T0 + 1200);
    expect(openAt(r, T0 + 1201)).toEqual([['site', T0 + 1000, 'agent offline']]);

    // a repeated offline (e.g. the retained LWT again) does not move `since`
    r.onStatus(SITE, status('offline', T0 + 5000), T0 + 5000);
    expect(openAt(r, T0 + 6000)).toEqual([['site', T0 + 1000, 'agent offline']]);

    r.onStatus(SITE, status('online', T0 + 7000), T0 + 7000);
    expect(r.evaluate(T0 + 7001).get(SITE)?.size ?? 0).toBe(0);
  });

  it('takes `since` from the receive time when the status is stamped in the future', () => {
    const r = rule();
    r.onStatus(SITE, status('offline', T0 + 60_000), T0);
    expect(openAt(r, T0 + 1)).toEqual([['site', T0, 'agent offline']]);
  });

  it('reports offline sites and silent channels together', () => {
    const r = rule();
    r.onInfo(info(SITE, [{ id: 'main', interval_ms: 200, channels: ['grid'] }]), T0);
    r.onStatus(SITE, status('offline', T0 + 100), T0 + 100);
    expect(subjects(r, T0 + 200)).toEqual(['site']);
    expect(subjects(r, T0 + 700)).toEqual(['main/grid', 'site']);
    r.onStatus(SITE, status('online', T0 + 800), T0 + 800);
    expect(subjects(r, T0 + 801)).toEqual(['main/grid']);
  });
});

describe('MissingDataRule: restart', () => {
  const restored = (open: Alert['open']): Alert => ({
    v: 1,
    site: SITE,
    rule: 'missing-data',
    ts: T0,
    state: open.length > 0 ? 'raised' : 'resolved',
    severity: 'warning',
    message: 'before the restart',
    open,
  });

  it('keeps a restored silent channel open, whether its info arrives before or after the alert', () => {
    for (const infoFirst of [true, false]) {
      const r = rule();
      const now = T0 + 60_000;
      const alert = restored([{ subject: 'main/solar', since: T0, message: 'no reading' }]);
      if (infoFirst) r.onInfo(info(SITE, [{ id: 'main', interval_ms: 200, channels: ['grid', 'solar'] }]), now);
      r.onRestore(alert, now);
      if (!infoFirst) r.onInfo(info(SITE, [{ id: 'main', interval_ms: 200, channels: ['grid', 'solar'] }]), now);
      r.onReading(reading(SITE, 'main', 'grid', now), now);
      expect(openAt(r, now + 1), `info first: ${infoFirst}`).toEqual([
        ['main/solar', T0, 'no reading for over 3 × 200 ms'],
      ]);
      // it still resolves on the next reading
      r.onReading(reading(SITE, 'main', 'solar', now), now + 2);
      expect(subjects(r, now + 3), `info first: ${infoFirst}`).toEqual([]);
    }
  });

  it('does not reopen a channel that was heard since the restart, nor the site (its status decides)', () => {
    const r = rule();
    const now = T0 + 60_000;
    r.onReading(reading(SITE, 'main', 'grid', now), now);
    r.onRestore(
      restored([
        { subject: 'main/grid', since: T0, message: 'no reading' },
        { subject: 'site', since: T0, message: 'agent offline' },
      ]),
      now,
    );
    expect(subjects(r, now + 1)).toEqual([]);
  });
});

describe('MissingDataRule: a flapping agent', () => {
  const graceful = () => new MissingDataRule({ afterIntervals: 3, defaultIntervalMs: 1000, offlineGraceMs: 60_000 });

  it('reports an offline agent only after the grace, so short drop-outs are never raised', () => {
    const r = graceful();
    for (let i = 0; i < 10; i++) {
      r.onStatus(SITE, status('offline', T0 + i * 20_000), T0 + i * 20_000);
      expect(r.evaluate(T0 + i * 20_000 + 10_000).has(SITE)).toBe(false);
      r.onStatus(SITE, status('online', T0 + i * 20_000 + 15_000), T0 + i * 20_000 + 15_000);
    }
    r.onStatus(SITE, status('offline', T0 + 300_000), T0 + 300_000);
    expect(r.evaluate(T0 + 359_999).has(SITE)).toBe(false);
    expect(openAt(r, T0 + 360_000)).toEqual([['site', T0 + 300_000, 'agent offline']]);
  });

  it('keeps a restored offline site open after a restart without a new grace', () => {
    for (const alertFirst of [true, false]) {
      const r = graceful();
      const alert: Alert = {
        v: 1,
        site: SITE,
        rule: 'missing-data',
        ts: T0,
        state: 'raised',
        severity: 'warning',
        message: 'm',
        open: [{ subject: 'site', since: T0, message: 'agent offline' }],
      };
      const now = T0 + 3_600_000;
      if (alertFirst) r.onRestore(alert, now);
      r.onStatus(SITE, status('offline', T0), now);
      if (!alertFirst) r.onRestore(alert, now);
      expect(openAt(r, now + 1), `alert first: ${alertFirst}`).toEqual([['site', T0, 'agent offline']]);
    }
  });
});

describe('MissingDataRule: per site, meter and channel overrides', () => {
  it('takes after_intervals from the last matching override in the config', () => {
    const config = parseConfig(
      JSON.stringify({
        mqtt: { url: 'mqtt://127.0.0.1:1' },
        rules: { missing_data: { after_intervals: 3 } },
        overrides: [
          { site: SITE, missing_data: { after_intervals: 10 } },
          { site: SITE, meter: 'pv', channel: 'production', missing_data: { after_intervals: 30 } },
        ],
      }),
      AlerterConfigSchema,
    );
    const md = createRules(config.rules, config.overrides)[0] as MissingDataRule;
    md.onInfo(
      info(SITE, [
        { id: 'main', interval_ms: 1000, channels: ['grid'] },
        { id: 'pv', interval_ms: 1000, channels: ['production'] },
      ]),
      T0,
    );
    md.onInfo(info('house-13', [{ id: 'main', interval_ms: 1000, channels: ['grid'] }]), T0);
    const open = (site: string, now: number) => [...(md.evaluate(now).get(site)?.keys() ?? [])];
    expect(open('house-13', T0 + 3000)).toEqual(['main/grid']); // the default: 3 intervals
    expect(open(SITE, T0 + 9999)).toEqual([]); // the site's override: 10
    expect(open(SITE, T0 + 10_000)).toEqual(['main/grid']);
    expect(open(SITE, T0 + 29_999)).toEqual(['main/grid']); // pv/production: 30, the later, narrower entry
    expect(open(SITE, T0 + 30_000)).toEqual(['main/grid', 'pv/production']);
    expect(
      md
        .evaluate(T0 + 30_000)
        .get(SITE)
        ?.get('pv/production')?.message,
    ).toBe('no reading for over 30 × 1 s');
  });
});
