import { describe, expect, it } from 'vitest';
import type { StepEvent } from './events.js';
import { recognise } from './recognise.js';
import { ApplianceModel } from './signatures.js';

const on = (t_s: number, w: number): StepEvent => ({ t_s, delta_w: w, before_w: 0 });
const off = (t_s: number, w: number): StepEvent => ({ t_s, delta_w: -w, before_w: 0 });
const DAY = 86_400;

describe('ApplianceModel', () => {
  it('pairs overlapping runs by size and tells same-size appliances apart by duration', () => {
    const model = new ApplianceModel();
    const events = [
      // kettle, 3 minutes, twice
      on(1000, 2000),
      off(1180, 1990),
      on(5000, 2010),
      off(5200, 2000),
      // heater (2 kW, 15 minutes) inside a 250 W motor run
      on(10_000, 250),
      on(10_100, 2050),
      off(11_000, 2030),
      off(14_000, 245),
    ];
    const runs = model.ingest(events, 0, DAY);
    expect(runs.map((r) => [r.on_ms / 1000, r.off_ms / 1000])).toEqual([
      [1000, 1180],
      [5000, 5200],
      [10_100, 11_000],
      [10_000, 14_000],
    ]);
    const [kettleA, kettleB, heater, motor] = runs.map((r) => r.signature);
    expect(kettleA).toBe(kettleB);
    expect(new Set([kettleA, heater, motor]).size).toBe(3);

    const estimates = model.estimates();
    const heaterEstimate = estimates.find((e) => e.signature === heater);
    expect(heaterEstimate?.energy_wh_per_day).toBeCloseTo((2040 * 900) / 3600, 5);
    expect(estimates.find((e) => e.signature === kettleA)?.runs_per_day).toBe(2);
    expect(estimates[0]?.signature).toBe(heater);
  });

  it('counts an off event that closes nothing instead of inventing a run', () => {
    const model = new ApplianceModel();
    expect(model.ingest([on(0, 100), off(50, 2000)], 0, 100)).toEqual([]);
    expect(model.toJSON().unmatched_off).toBe(1);
  });

  it('keeps an open run across a restart through its JSON state', () => {
    const before = new ApplianceModel();
    before.ingest([on(3000, 1500)], 0, 3600);
    const saved = JSON.parse(JSON.stringify(before.toJSON()));
    const loaded = ApplianceModel.fromJSON(saved);
    if (!loaded.ok) throw new Error(loaded.status);
    const runs = loaded.model.ingest([off(600, 1500)], 3_600_000, 3600);
    expect(runs).toEqual([{ on_ms: 3_000_000, off_ms: 4_200_000, step_w: 1500, signature: 'sig-1' }]);
    expect(loaded.model.estimates()[0]?.energy_wh_per_day).toBeCloseTo(500 * 12, 5);
  });

  it('refuses a state it cannot use with a status', () => {
    for (const bad of [
      null,
      42,
      { version: 2 },
      { version: 1, signatures: 'x', open: [] },
      { version: 1, signatures: [{ id: 1 }], open: [], next_id: 1, observed_s: 0, unmatched_off: 0 },
    ]) {
      const loaded = ApplianceModel.fromJSON(bad);
      expect(loaded.ok).toBe(false);
      if (!loaded.ok) expect(loaded.status).toMatch(/appliance state/);
    }
  });
});

describe('recognise', () => {
  it('says when every sample is missing, and when some are', () => {
    const model = new ApplianceModel();
    expect(recognise(model, [null, null], 0).status).toBe('no power');
    const power = [...Array(20).fill(100), null, ...Array(20).fill(100)];
    expect(recognise(model, power, 0).status).toBe('gaps: 1 s missing');
    expect(model.toJSON().observed_s).toBe(40);
  });
});
