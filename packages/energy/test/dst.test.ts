import { describe, expect, it } from 'vitest';
import { engineFor, HOUR, latest, MIN, paris, parisConfig, reading } from './fixtures.js';

/**
 * A steady 1,000 W with the index rising 1,000 Wh per hour, read every 5 min from the evening before to the morning
 * after a DST change in Europe/Paris. HP is 06:00–22:00 local every day, HC the rest.
 */
function dayOf(localDay: string, nextDay: string) {
  const engine = engineFor(parisConfig());
  const from = paris(`${localDay}T00:00`) - 2 * HOUR;
  const to = paris(`${nextDay}T00:00`) + 2 * HOUR;
  for (let ts = from; ts <= to; ts += 5 * MIN) {
    engine.push(reading({ ts, imp: ((ts - from) / HOUR) * 1000, power: 1000, voltage: 230 }));
  }
  const records = [...latest(engine.drain()).values()];
  const day = records.find((r) => r.interval === '1d' && r.start === paris(`${localDay}T00:00`));
  const hours = records.filter(
    (r) => r.interval === '1h' && r.start >= paris(`${localDay}T00:00`) && r.end <= paris(`${nextDay}T00:00`),
  );
  return { day, hours };
}

describe('a DST change day in Europe/Paris', () => {
  it('spring forward (2026-03-29) is a 23 h day', () => {
    const { day, hours } = dayOf('2026-03-29', '2026-03-30');
    // Local midnight is 2026-03-28T23:00Z (CET, +1); the next is 2026-03-29T22:00Z (CEST, +2): 23 h.
    expect(day?.start).toBe(Date.UTC(2026, 2, 28, 23));
    expect(day?.end).toBe(Date.UTC(2026, 2, 29, 22));
    // 23 h × 1,000 Wh = 23,000 Wh.
    expect(day?.energy_import_wh).toBeCloseTo(23_000, 6);
    // HC: 00:00–06:00 local is 5 h (02:00–03:00 does not exist) + 22:00–24:00 = 2 h → 7,000 Wh; HP: 16 h → 16,000 Wh.
    expect(day?.periods.HC?.import_wh).toBeCloseTo(7_000, 6);
    expect(day?.periods.HP?.import_wh).toBeCloseTo(16_000, 6);
    // 16 kWh × 0.25 + 7 kWh × 0.20 = 4.00 + 1.40 = 5.40 EUR, and the standing charge of 0.50.
    expect(day?.cost.import).toBeCloseTo(5.4, 9);
    expect(day?.cost.standing).toBe(0.5);
    expect(day?.cost.export).toBe(0);
    // 276 readings (every 5 min over 23 h), all 1,000 W and 230 V; fully covered.
    expect(day?.readings).toBe(276);
    expect(day?.power_w).toEqual({ mean: 1000, min: 1000, max: 1000 });
    expect(day?.voltage_v).toEqual({ min: 230, max: 230 });
    expect(day?.coverage).toBe(1);
    // 23 hourly rollups of 1,000 Wh; the third starts at 01:00Z, which is 03:00 CEST.
    expect(hours).toHaveLength(23);
    expect(hours[2]?.start).toBe(Date.UTC(2026, 2, 29, 1));
    for (const hour of hours) expect(hour.energy_import_wh).toBeCloseTo(1000, 6);
  });

  it('fall back (2026-10-25) is a 25 h day', () => {
    const { day, hours } = dayOf('2026-10-25', '2026-10-26');
    // Local midnight is 2026-10-24T22:00Z (CEST, +2); the next is 2026-10-25T23:00Z (CET, +1): 25 h.
    expect(day?.start).toBe(Date.UTC(2026, 9, 24, 22));
    expect(day?.end).toBe(Date.UTC(2026, 9, 25, 23));
    // 25 h × 1,000 Wh = 25,000 Wh; HC: 00:00–06:00 is 7 h (02:00–03:00 twice) + 2 h = 9,000 Wh; HP 16,000 Wh.
    expect(day?.energy_import_wh).toBeCloseTo(25_000, 6);
    expect(day?.periods.HC?.import_wh).toBeCloseTo(9_000, 6);
    expect(day?.periods.HP?.import_wh).toBeCloseTo(16_000, 6);
    // 16 × 0.25 + 9 × 0.20 = 4.00 + 1.80 = 5.80 EUR.
    expect(day?.cost.import).toBeCloseTo(5.8, 9);
    expect(day?.readings).toBe(300);
    expect(hours).toHaveLength(25);
    // Hours 3 and 4 are both 02:00 local: 00:00Z (CEST) and 01:00Z (CET).
    expect(hours[2]?.start).toBe(Date.UTC(2026, 9, 25, 0));
    expect(hours[3]?.start).toBe(Date.UTC(2026, 9, 25, 1));
    for (const hour of hours) expect(hour.energy_import_wh).toBeCloseTo(1000, 6);
  });
});
