import { describe, expect, it } from 'vitest';
import { APPLIANCE_NAMES, applianceTruth, feederHours } from './index.js';

const MONDAY = Date.UTC(2026, 2, 2);

describe('appliance ground truth', () => {
  const truth = applianceTruth(3, MONDAY, 2);

  it('is reproducible from its seed and differs between seeds', () => {
    const again = applianceTruth(3, MONDAY, 2);
    expect(again.events).toEqual(truth.events);
    expect(Array.from(again.power_w.subarray(0, 1000))).toEqual(Array.from(truth.power_w.subarray(0, 1000)));
    expect(applianceTruth(4, MONDAY, 2).events).not.toEqual(truth.events);
  });

  it('has one power value per second and events whose steps show in the power', () => {
    expect(truth.power_w.length).toBe(2 * 86_400);
    const big = truth.events.filter((e) => Math.abs(e.delta_w) > 1000);
    expect(big.length).toBeGreaterThan(4);
    for (const e of big) {
      // The mean of 5 s after a step minus 5 s before it is the step, give or take noise and other steps.
      if (e.t_s < 5 || e.t_s + 5 > truth.power_w.length) continue;
      const mean = (from: number) => truth.power_w.subarray(from, from + 5).reduce((a, b) => a + b, 0) / 5;
      const others = truth.events.filter((o) => o !== e && Math.abs(o.t_s - e.t_s) <= 5);
      if (others.length === 0) expect(Math.abs(mean(e.t_s) - mean(e.t_s - 5) - e.delta_w)).toBeLessThan(150);
    }
  });

  it('balances every on with an off and gives each appliance its energy', () => {
    for (const name of APPLIANCE_NAMES) {
      const steps = truth.events.filter((e) => e.appliance === name);
      const sum = steps.reduce((a, e) => a + e.delta_w, 0);
      const onAtEnd = steps.filter((e) => e.delta_w > 0).length - steps.filter((e) => e.delta_w < 0).length;
      expect(onAtEnd).toBeGreaterThanOrEqual(0);
      if (onAtEnd === 0) expect(Math.abs(sum)).toBeLessThan(1e-6);
    }
    expect(truth.energy_wh.fridge).toBeGreaterThan(500);
    const total = truth.power_w.reduce((a, b) => a + b, 0) / 3600;
    const appliances = Object.values(truth.energy_wh).reduce((a, b) => a + b, 0);
    expect(Math.abs(total - appliances - (truth.standby_w * 2 * 86_400) / 3600) / total).toBeLessThan(0.02);
  });
});

describe('feeder voltage ground truth', () => {
  const hours = feederHours({ seed: 3, start_ms: MONDAY, days: 28 });
  const hourOf = (ms: number) => new Date(ms).getUTCHours();

  it('gives 24 hours a day, reproducibly', () => {
    expect(hours).toHaveLength(28 * 24);
    expect(feederHours({ seed: 3, start_ms: MONDAY, days: 28 })).toEqual(hours);
  });

  it('leaves the EN 50160 band above at noon and below in the evening, never at night', () => {
    const over = hours.filter((h) => h.voltage_v.max > 253).map((h) => hourOf(h.start_ms));
    const under = hours.filter((h) => h.voltage_v.min < 207).map((h) => hourOf(h.start_ms));
    expect(over.length).toBeGreaterThan(5);
    expect(under.length).toBeGreaterThan(5);
    expect(over.every((h) => h >= 9 && h <= 17)).toBe(true);
    expect(under.every((h) => h >= 16 && h <= 23)).toBe(true);
  });

  it('has no production at night or without PV', () => {
    expect(hours.filter((h) => hourOf(h.start_ms) < 5).every((h) => h.production_wh === 0)).toBe(true);
    const noPv = feederHours({ seed: 3, start_ms: MONDAY, days: 2, pv_kwp: 0 });
    expect(noPv.every((h) => h.production_wh === 0)).toBe(true);
  });
});
