import { describe, expect, it } from 'vitest';
import { engineFor, find, MIN, paris, parisConfig, reading } from './fixtures.js';

const at = (hhmm: string) => paris(`2026-01-13T${hhmm}`);

describe('an energy index that does not continue', () => {
  it('a counter reset: the broken minute is integrated from power, the rest from the index', () => {
    const engine = engineFor(parisConfig(), { intervals: ['15m'] });
    // 600 W, i.e. 10 Wh per minute. The index reads 100, 110, 120, then restarts at 0 (reset), 10, 20.
    const indexes = [100, 110, 120, 0, 10, 20];
    for (const [i, imp] of indexes.entries()) engine.push(reading({ ts: at('10:00') + i * MIN, imp, power: 600 }));
    engine.push(reading({ ts: at('10:15'), imp: 110, power: 600 }));
    const quarter = find(engine.drain(), '15m', at('10:00'));
    // 10:00–10:02 index: 20 Wh. 10:02–10:03 reset: power trapezoid (600 + 600) / 2 W × 1/60 h = 10 Wh.
    // 10:03–10:05 index: 20 Wh. 10:05–10:15 index 20 → 110: 90 Wh. Total 140 Wh, from index and power: mixed.
    expect(quarter.energy_import_wh).toBeCloseTo(140, 9);
    expect(quarter.energy_source.import).toBe('mixed');
    expect(quarter.resets).toBe(1);
    // 10:00 is HP (06:00–22:00): 0.14 kWh × 0.25 = 0.035 EUR.
    expect(quarter.cost.import).toBeCloseTo(0.035, 12);
  });

  it('a counter reset without power: that minute is unknown, not zero, and not covered', () => {
    const engine = engineFor(parisConfig(), { intervals: ['15m'] });
    const indexes = [100, 110, 120, 0, 10, 20];
    for (const [i, imp] of indexes.entries()) engine.push(reading({ ts: at('10:00') + i * MIN, imp }));
    engine.push(reading({ ts: at('10:15'), imp: 110 }));
    const quarter = find(engine.drain(), '15m', at('10:00'));
    // 20 + 20 + 90 = 130 Wh known. Covered: 10:00–10:05 (readings 1 min apart) = 5 min; 10:05–10:15 is a 10-min gap
    // (> 5 min), estimated. The reset minute counts in neither: coverage 4/15, estimated 10 min.
    expect(quarter.energy_import_wh).toBeCloseTo(130, 9);
    expect(quarter.energy_source.import).toBe('index');
    expect(quarter.coverage).toBeCloseTo(4 / 15, 12);
    expect(quarter.estimated_ms).toBe(10 * MIN);
    expect(quarter.resets).toBe(1);
  });

  it('a meter replaced mid-day (new serial): the day adds both meters, the swap interval is unknown', () => {
    const engine = engineFor(parisConfig(), { intervals: ['1h', '1d'], max_sample_gap_ms: 10 * MIN });
    // Every 10 min from 00:00 to 24:00 (k = 0 … 144), 100 Wh per 10 min. Meter A (index 5,000 + 100 k) up to 12:00
    // (k = 72); meter B from 12:10 (k = 73), its index starting at 20: 20 + 100 (k − 73).
    for (let k = 0; k <= 144; k++) {
      const replaced = k >= 73;
      engine.push(
        reading({
          ts: at('00:00') + k * 10 * MIN,
          imp: replaced ? 20 + 100 * (k - 73) : 5000 + 100 * k,
          serial: replaced ? 'B-2' : 'A-1',
        }),
      );
    }
    const records = engine.drain();
    const day = find(records, '1d', at('00:00'));
    // A: 72 segments × 100 = 7,200 Wh; B: 144 − 73 = 71 segments × 100 = 7,100 Wh; the 12:00–12:10 swap is unknown.
    expect(day.energy_import_wh).toBeCloseTo(14_300, 9);
    expect(day.resets).toBe(1);
    expect(day.coverage).toBeCloseTo((1440 - 10) / 1440, 12);
    // HC 00:00–06:00 and 22:00–24:00: 8 h × 600 Wh = 4,800 Wh; HP the rest: 14,300 − 4,800 = 9,500 Wh.
    expect(day.periods.HC?.import_wh).toBeCloseTo(4800, 9);
    expect(day.periods.HP?.import_wh).toBeCloseTo(9500, 9);
    // 12:00–13:00: 5 known segments × 100 Wh = 500 Wh; 50 of 60 minutes covered.
    const noon = find(records, '1h', at('12:00'));
    expect(noon.energy_import_wh).toBeCloseTo(500, 9);
    expect(noon.coverage).toBeCloseTo(50 / 60, 12);
    // An index going backwards with the same serial is a break too (counter reset): no 14,000 Wh spike anywhere.
    for (const record of records) expect(record.energy_import_wh ?? 0).toBeLessThanOrEqual(14_300 + 1e-6);
  });
});
