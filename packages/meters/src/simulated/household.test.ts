import { describe, expect, it } from 'vitest';
import { type HouseholdParams, householdPower } from './household.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const BRUSSELS: HouseholdParams = { seed: 1, base_w: 150, pv_kwp: 6, latitude: 50.85, longitude: 4.35 };
const JUNE_21 = Date.UTC(2024, 5, 21);
const DEC_21 = Date.UTC(2024, 11, 21);
/** Brussels' local mean solar time is UTC + 17.4 min. */
const BRUSSELS_OFFSET = (4.35 / 15) * HOUR;

const range = (from: number, to: number, step: number): number[] => {
  const out: number[] = [];
  for (let t = from; t < to; t += step) out.push(t);
  return out;
};
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const isRounded = (x: number, decimals: number) => Math.abs(x * 10 ** decimals - Math.round(x * 10 ** decimals)) < 1e-6;

describe('householdPower', () => {
  it('is deterministic in (seed, ts) and depends on the seed', () => {
    const times = range(JUNE_21, JUNE_21 + DAY, 7 * MINUTE + 13);
    let differing = 0;
    for (const t of times) {
      const a = householdPower(t, BRUSSELS);
      expect(householdPower(t, { ...BRUSSELS })).toEqual(a);
      const b = householdPower(t, { ...BRUSSELS, seed: 2 });
      if (a.consumption_w !== b.consumption_w) differing++;
    }
    expect(differing).toBeGreaterThan(times.length * 0.9);
    expect(householdPower(1_718_960_000_000, BRUSSELS)).toEqual(householdPower(1_718_960_000_000, BRUSSELS));
  });

  it('follows the sign convention: consumption > 0, production <= 0, grid = consumption + production', () => {
    for (const seed of [1, 2, 3]) {
      for (const t of range(JUNE_21, JUNE_21 + 2 * DAY, 3 * MINUTE + 7)) {
        const s = householdPower(t, { ...BRUSSELS, seed });
        expect(s.consumption_w).toBeGreaterThan(0);
        expect(s.production_w).toBeLessThanOrEqual(0);
        expect(s.grid_w).toBeCloseTo(s.consumption_w + s.production_w, 6);
        expect(isRounded(s.consumption_w, 1) && isRounded(s.production_w, 1) && isRounded(s.grid_w, 1)).toBe(true);
      }
    }
  });

  it('reports a grid voltage around 230 V and frequency around 50 Hz that move a little', () => {
    const samples = range(DEC_21, DEC_21 + DAY, 5 * MINUTE).map((t) => householdPower(t, BRUSSELS));
    const volts = samples.map((s) => s.voltage_v);
    const hertz = samples.map((s) => s.frequency_hz);
    for (const v of volts) {
      expect(v).toBeGreaterThanOrEqual(222);
      expect(v).toBeLessThanOrEqual(238);
      expect(isRounded(v, 1)).toBe(true);
    }
    for (const f of hertz) {
      expect(f).toBeGreaterThanOrEqual(49.95);
      expect(f).toBeLessThanOrEqual(50.05);
      expect(isRounded(f, 2)).toBe(true);
    }
    expect(Math.abs(mean(volts) - 230)).toBeLessThan(1.5);
    expect(new Set(volts).size).toBeGreaterThan(10);
    expect(new Set(hertz).size).toBeGreaterThan(3);
  });

  it('has no production without PV: grid equals consumption', () => {
    for (const t of range(JUNE_21, JUNE_21 + DAY, 11 * MINUTE)) {
      const s = householdPower(t, { ...BRUSSELS, pv_kwp: 0 });
      expect(s.production_w).toBe(0);
      expect(s.grid_w).toBe(s.consumption_w);
    }
  });

  it('produces PV around solar noon in summer and nothing at night', () => {
    const noon = JUNE_21 + 12 * HOUR - BRUSSELS_OFFSET;
    for (const seed of [1, 2, 3, 4, 5]) {
      const p = { ...BRUSSELS, seed };
      expect(householdPower(JUNE_21, p).production_w).toBe(0); // local 00:17
      expect(householdPower(JUNE_21 + 23 * HOUR, p).production_w).toBe(0);
      expect(householdPower(noon, p).production_w).toBeLessThan(-50);
      const middayMean = mean(range(noon - HOUR, noon + HOUR, MINUTE).map((t) => householdPower(t, p).production_w));
      expect(middayMean).toBeLessThan(-0.15 * 6000);
      // never more than the clear-sky output of 6 kWp × 0.8
      for (const t of range(noon - 6 * HOUR, noon + 6 * HOUR, 10 * MINUTE)) {
        expect(householdPower(t, p).production_w).toBeGreaterThanOrEqual(-6000 * 0.8 * 1.01);
      }
    }
  });

  it('produces nothing in polar night (lat 78, December) and something in polar day at midnight', () => {
    const svalbard = { ...BRUSSELS, latitude: 78.2, longitude: 15.6, pv_kwp: 10 };
    for (const t of range(DEC_21, DEC_21 + DAY, 5 * MINUTE)) {
      expect(householdPower(t, svalbard).production_w).toBe(0);
    }
    const localMidnight = JUNE_21 - (15.6 / 15) * HOUR + DAY;
    expect(householdPower(localMidnight, svalbard).production_w).toBeLessThan(0);
  });

  it('has a plausible daily profile: sensible mean, evening peak above the small hours', () => {
    for (const [seed, day] of [
      [1, JUNE_21],
      [2, DEC_21],
      [3, Date.UTC(2024, 2, 14)],
    ] as const) {
      const p = { ...BRUSSELS, seed, pv_kwp: 0 };
      const start = day - BRUSSELS_OFFSET; // local midnight
      const consumption = (fromH: number, toH: number, days = 1) =>
        mean(
          range(0, days * DAY, MINUTE)
            .filter((dt) => (dt % DAY) / HOUR >= fromH && (dt % DAY) / HOUR < toH)
            .map((dt) => householdPower(start + dt, p).consumption_w),
        );
      const daily = consumption(0, 24);
      expect(daily).toBeGreaterThan(200);
      expect(daily).toBeLessThan(1500);
      expect(consumption(18, 22, 7)).toBeGreaterThan(1.5 * consumption(3, 5, 7));
      // the small hours are just the base load (150 W on average)
      expect(consumption(3, 5, 7)).toBeGreaterThan(100);
      expect(consumption(3, 5, 7)).toBeLessThan(250);
    }
  });

  it('scales the base load with base_w', () => {
    const night = range(JUNE_21 + 2 * HOUR, JUNE_21 + 4 * HOUR, MINUTE);
    const low = mean(night.map((t) => householdPower(t, { ...BRUSSELS, base_w: 100 }).consumption_w));
    const high = mean(night.map((t) => householdPower(t, { ...BRUSSELS, base_w: 400 }).consumption_w));
    expect(high - low).toBeGreaterThan(250);
    expect(high - low).toBeLessThan(350);
  });
});
