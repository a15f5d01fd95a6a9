import { describe, expect, it } from 'vitest';
import { engineFor, find, HOUR, MIN, paris, parisConfig, reading } from './fixtures.js';

const at = (hhmm: string) => paris(`2026-01-13T${hhmm}`);

describe('gaps and late readings', () => {
  it('a gap without backfill: its energy is spread linearly and flagged as estimated', () => {
    const engine = engineFor(parisConfig(), { intervals: ['15m', '1h'] });
    // Every minute 09:00–10:00 at 10 Wh/min (index 0 … 600); nothing until 11:00 (index 1,200); then every minute.
    for (let m = 0; m <= 60; m++) engine.push(reading({ ts: at('09:00') + m * MIN, imp: 10 * m }));
    for (let m = 60; m <= 75; m++) engine.push(reading({ ts: at('10:00') + m * MIN, imp: 600 + 10 * m }));
    const records = engine.drain();
    const hour = find(records, '1h', at('10:00'));
    // 10:00–11:00: one segment of 60 min (> 5 min) carrying 600 Wh: energy 600 Wh, estimated 60 min, coverage 0;
    // one reading (10:00) inside.
    expect(hour.energy_import_wh).toBeCloseTo(600, 9);
    expect(hour.estimated_ms).toBe(HOUR);
    expect(hour.coverage).toBe(0);
    expect(hour.readings).toBe(1);
    expect(hour.revision).toBe(0);
    // Each quarter of the gap gets 150 Wh.
    expect(find(records, '15m', at('10:15')).energy_import_wh).toBeCloseTo(150, 9);
  });

  it('a gap longer than max_interpolate_gap_ms: nothing is invented for it', () => {
    const engine = engineFor(parisConfig(), { intervals: ['1h', '1d'], max_interpolate_gap_ms: 2 * HOUR });
    for (let m = 0; m <= 60; m++) engine.push(reading({ ts: at('09:00') + m * MIN, imp: 10 * m }));
    // 10:00 → 13:00: 3 h without a reading (> 2 h), index +1,800.
    for (let m = 0; m <= 60; m++) engine.push(reading({ ts: at('13:00') + m * MIN, imp: 2400 + 10 * m }));
    engine.push(reading({ ts: paris('2026-01-14T00:00'), imp: 9000 }));
    const records = engine.drain();
    // No hourly rollup for 10:00, 11:00, 12:00 (no reading, no bridged segment).
    const hours = records.filter((r) => r.interval === '1h').map((r) => new Date(r.start).toISOString());
    expect(hours.slice(0, 3)).toEqual([
      '2026-01-13T08:00:00.000Z',
      '2026-01-13T09:00:00.000Z',
      '2026-01-13T12:00:00.000Z',
    ]);
    // The 10:00 hour has its one reading at 10:00 but no energy: null, not 0.
    expect(find(records, '1h', at('10:00')).energy_import_wh).toBeNull();
    expect(find(records, '1h', at('10:00')).readings).toBe(1);
    // The day: 600 + 600 Wh, then 14:00–24:00 (a 10-h segment, also too long): 1,200 Wh, coverage 2 h / 24 h.
    const day = find(records, '1d', at('00:00'));
    expect(day.energy_import_wh).toBeCloseTo(1200, 9);
    expect(day.coverage).toBeCloseTo(2 / 24, 12);
  });

  it('a gap backfilled later: the affected rollups are emitted again, with the next revision', () => {
    const engine = engineFor(parisConfig(), { intervals: ['15m', '1h'] });
    for (let m = 0; m <= 60; m++) engine.push(reading({ ts: at('09:00') + m * MIN, imp: 10 * m }));
    for (let m = 60; m <= 75; m++) engine.push(reading({ ts: at('10:00') + m * MIN, imp: 600 + 10 * m }));
    engine.drain();
    // The agent's queue delivers 10:01 … 10:59: nothing used until 10:30 (index 600), then 20 Wh/min (to 1,200).
    for (let m = 1; m < 60; m++) {
      engine.push(reading({ ts: at('10:00') + m * MIN, imp: m <= 30 ? 600 : 600 + 20 * (m - 30) }));
    }
    const records = engine.drain();
    // Re-emitted: the four quarters and the hour of 10:00–11:00, once each (one drain), as revision 1.
    const keys = records.map((r) => `${r.interval}@${new Date(r.start).toISOString().slice(11, 16)}#${r.revision}`);
    expect(keys.sort()).toEqual(['15m@09:00#1', '15m@09:15#1', '15m@09:30#1', '15m@09:45#1', '1h@09:00#1']);
    const hour = find(records, '1h', at('10:00'));
    // Still 600 Wh for the hour, now fully covered by 60 readings; the quarters show when: 0, 0, 300, 300 Wh.
    expect(hour.energy_import_wh).toBeCloseTo(600, 9);
    expect(hour.coverage).toBe(1);
    expect(hour.estimated_ms).toBe(0);
    expect(hour.readings).toBe(60);
    const quarters = ['10:00', '10:15', '10:30', '10:45'].map((q) => find(records, '15m', at(q)).energy_import_wh);
    expect(quarters.map((wh) => Math.round((wh ?? Number.NaN) * 1e6) / 1e6)).toEqual([0, 0, 300, 300]);
  });

  it('a late reading corrects the minutes around it; duplicates and readings beyond the window are refused', () => {
    const engine = engineFor(parisConfig(), { intervals: ['1m', '15m'], late_window_ms: HOUR });
    // Every minute from 10:00 to 10:20 at 10 Wh/min, except 10:05, which arrives after 10:20.
    for (let m = 0; m <= 20; m++) if (m !== 5) engine.push(reading({ ts: at('10:00') + m * MIN, imp: 10 * m }));
    const first = engine.drain();
    // Without 10:05 the index goes 40 → 60 over 10:04–10:06: 10 Wh in each of those minutes.
    expect(find(first, '1m', at('10:04')).energy_import_wh).toBeCloseTo(10, 9);
    expect(find(first, '1m', at('10:05')).energy_import_wh).toBeCloseTo(10, 9);
    expect(find(first, '15m', at('10:00')).readings).toBe(14);
    // 10:05 arrives, index 58: 18 Wh in 10:04–10:05 and 2 Wh in 10:05–10:06.
    expect(engine.push(reading({ ts: at('10:05'), imp: 58 }))).toBe('accepted');
    const corrected = engine.drain();
    expect(
      corrected.map((r) => `${r.interval}@${new Date(r.start).toISOString().slice(11, 16)}#${r.revision}`),
    ).toEqual(['1m@09:04#1', '1m@09:05#1', '15m@09:00#1']);
    expect(find(corrected, '1m', at('10:04')).energy_import_wh).toBeCloseTo(18, 9);
    expect(find(corrected, '1m', at('10:05')).energy_import_wh).toBeCloseTo(2, 9);
    expect(find(corrected, '15m', at('10:00')).energy_import_wh).toBeCloseTo(150, 9);
    expect(find(corrected, '15m', at('10:00')).readings).toBe(15);
    // The same reading again changes nothing; one older than the late window (1 h before 10:20) is refused.
    expect(engine.push(reading({ ts: at('10:05'), imp: 58 }))).toBe('duplicate');
    expect(engine.push(reading({ ts: at('09:19'), imp: 0 }))).toBe('too-late');
    expect(engine.drain()).toEqual([]);
  });
});

describe('memory', () => {
  it("holds a channel's readings for the late window plus one day, however long it runs", () => {
    const engine = engineFor(parisConfig(), { late_window_ms: HOUR });
    // Four days of one reading a minute: 5,760 readings. Kept: the last 1 h (window) + 25 h (the longest local day,
    // which a late reading may reopen) + up to 1 h until the next hourly trim, i.e. at most 27 × 60 + 1 = 1,621.
    const from = paris('2026-01-10T00:00');
    for (let m = 0; m < 4 * 1440; m++) {
      engine.push(reading({ ts: from + m * MIN, imp: m }));
      if (m % 100 === 0) engine.drain();
    }
    const { channels, readings } = engine.held;
    expect(channels).toBe(1);
    expect(readings).toBeGreaterThanOrEqual(26 * 60);
    expect(readings).toBeLessThanOrEqual(27 * 60 + 1);
  });
});
