import { describe, expect, it } from 'vitest';
import { type ChannelSample, MeterReadError } from '../driver.js';
import type { SimulatedConfig } from './config.js';
import { initialIndexes, inOutage, SimulatedMeter } from './driver.js';
import { householdPower } from './household.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const JUNE_21 = Date.UTC(2024, 5, 21);
const BASE: SimulatedConfig = { seed: 1, base_w: 150, pv_kwp: 0, latitude: 50.85, longitude: 4.35 };
const PV: SimulatedConfig = { ...BASE, pv_kwp: 6 };

const meter = (config: SimulatedConfig, meterId = 'm1') => new SimulatedMeter(config, { meterId });

/** `values` of one channel, flattened for easy comparison. */
function valuesOf(samples: ChannelSample[], channel: string): Record<string, number> {
  const sample = samples.find((s) => s.channel === channel);
  if (!sample) throw new Error(`no ${channel} sample`);
  return sample.values as Record<string, number>;
}

describe('SimulatedMeter', () => {
  it('declares its channels and poll limit', () => {
    expect(meter(BASE).minIntervalMs).toBe(100);
    expect(meter(BASE).channels.map((c) => c.id)).toEqual(['consumption', 'grid']);
    const pv = meter(PV);
    expect(pv.channels).toEqual([
      { id: 'consumption', values: ['power_w', 'energy_import_wh'] },
      { id: 'production', values: ['power_w', 'energy_export_wh'] },
      {
        id: 'grid',
        values: ['power_w', 'voltage_v', 'frequency_hz', 'energy_import_wh', 'energy_export_wh'],
      },
    ]);
  });

  it('returns one sample per channel at ts = now with the model values', async () => {
    const m = meter(PV);
    await m.open();
    const now = JUNE_21 + 11 * HOUR + 123;
    const samples = await m.read(now);
    const model = householdPower(now, PV);
    expect(samples.map((s) => [s.channel, s.ts])).toEqual([
      ['consumption', now],
      ['production', now],
      ['grid', now],
    ]);
    expect(valuesOf(samples, 'consumption').power_w).toBe(model.consumption_w);
    expect(valuesOf(samples, 'production').power_w).toBe(model.production_w);
    expect(valuesOf(samples, 'production').power_w).toBeLessThan(0);
    const grid = valuesOf(samples, 'grid');
    expect(grid.power_w).toBe(model.grid_w);
    expect(grid.power_w).toBeCloseTo(model.consumption_w + model.production_w, 6);
    expect(grid.voltage_v).toBe(model.voltage_v);
    expect(grid.frequency_hz).toBe(model.frequency_hz);
    // two meters with the same config agree exactly
    expect(await meter(PV).read(now)).toEqual(samples);
  });

  it('starts from seeded, balanced indexes of 1-20 MWh', async () => {
    for (const seed of [1, 2, 3, 99]) {
      const ix = initialIndexes(seed, true);
      expect(ix.consumptionImport).toBeGreaterThanOrEqual(1e6);
      expect(ix.consumptionImport).toBeLessThanOrEqual(2e7);
      expect(ix.gridImport - ix.gridExport + ix.productionExport).toBeCloseTo(ix.consumptionImport, 3);
      expect(initialIndexes(seed, true)).toEqual(ix);
    }
    expect(initialIndexes(1, true).consumptionImport).not.toBe(initialIndexes(2, true).consumptionImport);
    const first = await meter({ ...BASE, seed: 5 }).read(JUNE_21);
    expect(valuesOf(first, 'consumption').energy_import_wh).toBeCloseTo(initialIndexes(5, false).consumptionImport, 3);
  });

  it('integrates energy: indexes only grow, by about power × dt', async () => {
    const m = meter(PV);
    const start = JUNE_21 + 10 * HOUR;
    let prev = await m.read(start);
    for (let t = start + SECOND; t <= start + 10 * MINUTE; t += SECOND) {
      const next = await m.read(t);
      const p0 = valuesOf(prev, 'consumption').power_w ?? 0;
      const p1 = valuesOf(next, 'consumption').power_w ?? 0;
      const e0 = valuesOf(prev, 'consumption').energy_import_wh ?? 0;
      const e1 = valuesOf(next, 'consumption').energy_import_wh ?? 0;
      expect(e1).toBeGreaterThan(e0);
      expect(e1 - e0).toBeCloseTo(((p0 + p1) / 2) * (1 / 3600), 2);

      const y0 = valuesOf(prev, 'production').energy_export_wh ?? 0;
      const y1 = valuesOf(next, 'production').energy_export_wh ?? 0;
      expect(y1 - y0).toBeCloseTo(
        -((valuesOf(prev, 'production').power_w ?? 0) + (valuesOf(next, 'production').power_w ?? 0)) / 2 / 3600,
        2,
      );
      for (const key of ['energy_import_wh', 'energy_export_wh']) {
        expect(valuesOf(next, 'grid')[key]).toBeGreaterThanOrEqual(valuesOf(prev, 'grid')[key] ?? 0);
      }
      prev = next;
    }
  });

  it('keeps energies balanced and monotonic over a day of minute reads', async () => {
    const m = meter(PV);
    const first = await m.read(JUNE_21);
    let prev = first;
    for (let t = JUNE_21 + MINUTE; t <= JUNE_21 + 24 * HOUR; t += MINUTE) {
      const next = await m.read(t);
      for (const [channel, key] of [
        ['consumption', 'energy_import_wh'],
        ['production', 'energy_export_wh'],
        ['grid', 'energy_import_wh'],
        ['grid', 'energy_export_wh'],
      ] as const) {
        expect(valuesOf(next, channel)[key]).toBeGreaterThanOrEqual(valuesOf(prev, channel)[key] ?? 0);
      }
      prev = next;
    }
    const delta = (channel: string, key: string) =>
      (valuesOf(prev, channel)[key] ?? 0) - (valuesOf(first, channel)[key] ?? 0);
    const consumed = delta('consumption', 'energy_import_wh');
    const produced = delta('production', 'energy_export_wh');
    // a day of household use, and a June day of 6 kWp
    expect(consumed).toBeGreaterThan(4_000);
    expect(consumed).toBeLessThan(20_000);
    expect(produced).toBeGreaterThan(5_000);
    expect(produced).toBeLessThan(6 * 0.8 * 16 * 1000);
    // consumption = grid import - grid export + PV yield
    expect(delta('grid', 'energy_import_wh') - delta('grid', 'energy_export_wh') + produced).toBeCloseTo(consumed, 1);
    expect(delta('grid', 'energy_export_wh')).toBeGreaterThan(0);
  });

  it('counts the same energy whatever the poll interval', async () => {
    const fast = meter(PV);
    const slow = meter(PV);
    const start = JUNE_21 + 16 * HOUR;
    const first = await fast.read(start);
    expect(await slow.read(start)).toEqual(first);
    let last: ChannelSample[] = [];
    for (let t = start + SECOND; t <= start + 2 * HOUR; t += SECOND) last = await fast.read(t);
    const once = await slow.read(start + 2 * HOUR);
    for (const [channel, key] of [
      ['consumption', 'energy_import_wh'],
      ['production', 'energy_export_wh'],
      ['grid', 'energy_import_wh'],
      ['grid', 'energy_export_wh'],
    ] as const) {
      const polled = valuesOf(last, channel)[key] ?? 0;
      const start0 = valuesOf(first, channel)[key] ?? 0;
      const gap = (valuesOf(once, channel)[key] ?? 0) - start0;
      expect(gap).toBeGreaterThan(0);
      // within 0.5 % of the energy counted with 1 s polling
      expect(Math.abs(gap - (polled - start0))).toBeLessThan(0.005 * (polled - start0));
    }
  });

  it('without PV, grid import follows consumption and nothing is exported', async () => {
    const m = meter(BASE);
    let samples: ChannelSample[] = [];
    for (let t = JUNE_21; t <= JUNE_21 + 6 * HOUR; t += 30 * SECOND) samples = await m.read(t);
    expect(valuesOf(samples, 'grid').energy_export_wh).toBe(0);
    expect(valuesOf(samples, 'grid').energy_import_wh).toBe(valuesOf(samples, 'consumption').energy_import_wh);
  });

  it('never decreases an index when the clock steps back, nor on close/open', async () => {
    const m = meter(BASE);
    await m.open();
    const a = valuesOf(await m.read(JUNE_21 + HOUR), 'consumption').energy_import_wh ?? 0;
    const b = valuesOf(await m.read(JUNE_21 + 2 * HOUR), 'consumption').energy_import_wh ?? 0;
    expect(b).toBeGreaterThan(a);
    const c = valuesOf(await m.read(JUNE_21 + HOUR), 'consumption').energy_import_wh ?? 0;
    expect(c).toBe(b);
    await m.close();
    await m.open();
    const d = valuesOf(await m.read(JUNE_21 + HOUR + MINUTE), 'consumption').energy_import_wh ?? 0;
    expect(d).toBeGreaterThan(c);
  });
});

describe('fault injection', () => {
  const fail = { every_s: 60, for_s: 10 };

  it('computes the failing tail of each epoch-aligned window', () => {
    const w = Date.UTC(2024, 5, 21, 10, 0);
    expect(inOutage(w, fail)).toBe(false);
    expect(inOutage(w + 49_999, fail)).toBe(false);
    expect(inOutage(w + 50_000, fail)).toBe(true);
    expect(inOutage(w + 59_999, fail)).toBe(true);
    expect(inOutage(w + 60_000, fail)).toBe(false);
    expect(inOutage(w + 55_000, undefined)).toBe(false);
    expect(inOutage(w + 59_999, { every_s: 60, for_s: 0 })).toBe(false);
    expect(inOutage(w + 1, { every_s: 60, for_s: 60 })).toBe(true);
  });

  it('throws a MeterReadError naming the meter during the window and recovers after it', async () => {
    const m = meter({ ...PV, fail }, 'house-sim');
    const healthy = meter(PV);
    const w = Date.UTC(2024, 5, 21, 10, 0);
    await m.open();
    const before = await m.read(w + 49 * SECOND);
    await healthy.read(w + 49 * SECOND);
    expect(before).toHaveLength(3);

    for (const t of [w + 50 * SECOND, w + 55 * SECOND, w + 59 * SECOND + 999]) {
      const error = await m.read(t).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MeterReadError);
      expect((error as MeterReadError).meterId).toBe('house-sim');
      expect((error as Error).message).toMatch(/^meter house-sim: simulated outage/);
      await healthy.read(t);
    }

    const after = await m.read(w + 60 * SECOND);
    const reference = await healthy.read(w + 60 * SECOND);
    expect(after.map((s) => s.channel)).toEqual(['consumption', 'production', 'grid']);
    expect(valuesOf(after, 'grid').power_w).toBe(valuesOf(reference, 'grid').power_w);
    // the meter kept counting through the outage
    expect(valuesOf(after, 'consumption').energy_import_wh).toBeGreaterThan(
      valuesOf(before, 'consumption').energy_import_wh ?? 0,
    );
    expect(valuesOf(after, 'consumption').energy_import_wh).toBeCloseTo(
      valuesOf(reference, 'consumption').energy_import_wh ?? 0,
      1,
    );
  });
});
