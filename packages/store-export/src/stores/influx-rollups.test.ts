import { describe, expect, it } from 'vitest';
import { rollupOfPoint } from './influx-rollups.js';

describe('a rollup back from its InfluxDB point', () => {
  it('nests the flattened fields again, period names with underscores included; unwritten fields are null', () => {
    // as SELECT * answers: time, then fields and tags in name order; null where this point has no such field
    const point: Record<string, unknown> = {
      time: 1_767_225_600_000,
      channel: 'grid',
      coverage: 1,
      cost_currency: 'EUR',
      cost_import: 0.42,
      cost_unknown: null,
      end: 1_767_226_500_000,
      energy_import_wh: 300,
      energy_source_import: 'index',
      estimated_ms: 0,
      interval: '15m',
      key: 'house-12/main/grid/15m/1767225600000',
      meter: 'main',
      periods_HP_hiver_import_wh: 200,
      periods_HP_hiver_export_wh: 0,
      periods_HC_import_wh: 100,
      periods_HC_export_wh: 0,
      power_w_max: 2000,
      power_w_mean: 1200,
      power_w_min: 300,
      readings: 900,
      resets: 0,
      revision: 2,
      role: 'grid',
      site: 'house-12',
      start: 1_767_225_600_000,
      tariff: 'fr-hphc',
      v: 1,
    };
    const rollup = rollupOfPoint(Object.keys(point), Object.values(point));
    expect(rollup).toEqual({
      v: 1,
      key: 'house-12/main/grid/15m/1767225600000',
      site: 'house-12',
      meter: 'main',
      channel: 'grid',
      role: 'grid',
      interval: '15m',
      start: 1_767_225_600_000,
      end: 1_767_226_500_000,
      revision: 2,
      readings: 900,
      coverage: 1,
      estimated_ms: 0,
      resets: 0,
      energy_import_wh: 300,
      energy_export_wh: null,
      energy_source: { import: 'index', export: null },
      periods: { HP_hiver: { import_wh: 200, export_wh: 0 }, HC: { import_wh: 100, export_wh: 0 } },
      tariff: 'fr-hphc',
      power_w: { mean: 1200, min: 300, max: 2000 },
      voltage_v: null,
      cost: { currency: 'EUR', import: 0.42, export: null, standing: null, unknown: null },
    });
  });
});
