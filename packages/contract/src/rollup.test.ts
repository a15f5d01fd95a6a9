import { describe, expect, it } from 'vitest';
import { parseRollupTopic, rollupFilter, rollupTopic, validateRollup } from './rollup.js';

const rollup = {
  v: 1,
  key: 'house-1/main/grid/1h/1768287600000',
  site: 'house-1',
  meter: 'main',
  channel: 'grid',
  role: 'grid',
  interval: '1h',
  start: 1_768_287_600_000,
  end: 1_768_291_200_000,
  revision: 0,
  readings: 60,
  coverage: 1,
  estimated_ms: 0,
  resets: 0,
  energy_import_wh: 600,
  energy_export_wh: 0,
  energy_source: { import: 'index', export: 'power' },
  periods: { HP: { import_wh: 600, export_wh: 0 } },
  tariff: 'fr-hphc',
  power_w: { mean: 600, min: 580, max: 640 },
  voltage_v: null,
  cost: { currency: 'EUR', import: 0.15, export: 0, standing: null, unknown: null },
};

describe('rollups in the contract', () => {
  it('have one topic per site and interval', () => {
    expect(rollupTopic('house-1', '15m')).toBe('wattbus/v1/house-1/rollup/15m');
    expect(rollupFilter()).toBe('wattbus/v1/+/rollup/+');
    expect(parseRollupTopic('wattbus/v1/house-1/rollup/1d')).toEqual({ site: 'house-1', interval: '1d' });
    expect(parseRollupTopic('wattbus/v1/house-1/rollup/reading')).toBeUndefined();
    expect(parseRollupTopic('wattbus/v1/dlq/rollup/1h')).toBeUndefined();
    expect(() => rollupTopic('alerts', '1h')).toThrow(/reserved/);
  });

  it('validate against the schema, naming what is wrong', () => {
    expect(validateRollup(rollup)).toEqual({ ok: true, value: rollup });
    const bad = validateRollup({ ...rollup, interval: '2h', coverage: 1.5, cost: { ...rollup.cost, import: 'free' } });
    expect(bad.ok).toBe(false);
    const errors = bad.ok ? [] : bad.errors.join('\n');
    expect(errors).toMatch(/interval/);
    expect(errors).toMatch(/coverage/);
    expect(errors).toMatch(/cost\.import/);
  });
});
