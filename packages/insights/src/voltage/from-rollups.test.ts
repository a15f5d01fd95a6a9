import type { Rollup } from '@wattbus/contract';
import { describe, expect, it } from 'vitest';
import { siteHoursFromRollups } from './from-rollups.js';

const START = 1_768_287_600_000;

function rollup(over: Partial<Rollup>): Rollup {
  const r: Rollup = {
    v: 1,
    key: '',
    site: 'house-1',
    meter: 'main',
    channel: 'grid',
    role: 'grid',
    interval: '1h',
    start: START,
    end: START + 3_600_000,
    revision: 0,
    readings: 60,
    coverage: 1,
    estimated_ms: 0,
    resets: 0,
    energy_import_wh: 600,
    energy_export_wh: 0,
    energy_source: { import: 'index', export: 'power' },
    periods: {},
    tariff: null,
    power_w: null,
    voltage_v: null,
    cost: { currency: null, import: null, export: null, standing: null, unknown: null },
    ...over,
  } as Rollup;
  return { ...r, key: `${r.site}/${r.meter}/${r.channel}/${r.interval}/${r.start}` };
}

describe('siteHoursFromRollups', () => {
  it('joins the channels of each hour: voltage over all, production from production channels, latest revision', () => {
    const hours = siteHoursFromRollups([
      rollup({ voltage_v: { min: 228, max: 236 } }),
      rollup({ channel: 'pv', role: 'production', energy_export_wh: 900, voltage_v: { min: 230, max: 249 } }),
      rollup({ channel: 'pv', role: 'production', energy_export_wh: 950, revision: 1 }),
      rollup({ interval: '15m', voltage_v: { min: 100, max: 300 } }),
      rollup({ start: START + 3_600_000, voltage_v: null }),
    ]);
    expect(hours).toEqual([
      { start_ms: START, voltage_v: { min: 228, max: 236 }, production_wh: 950 },
      { start_ms: START + 3_600_000, voltage_v: null, production_wh: null },
    ]);
  });
});
