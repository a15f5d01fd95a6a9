import type { Rollup } from '@wattbus/contract';
import { type Batch, column, type Table } from './table.js';

/**
 * Rollups (docs/energy.md), one row per channel and interval, the newest revision only: every figure of the
 * Rollup message as its own column, nested objects flattened with `_` as the InfluxDB sink names its fields;
 * `periods` (energy per tariff period) is JSON, since each tariff names its own periods.
 */
export const ROLLUPS: Table = {
  columns: [
    column('time', 'time'),
    column('ts_ms', 'int', false, false),
    column('end', 'time'),
    column('site', 'text'),
    column('meter', 'text'),
    column('channel', 'text'),
    column('role', 'text'),
    column('interval', 'text'),
    column('revision', 'int'),
    column('readings', 'int'),
    column('coverage', 'float'),
    column('estimated_ms', 'int'),
    column('resets', 'int'),
    column('energy_import_wh', 'float', true),
    column('energy_export_wh', 'float', true),
    column('energy_source_import', 'text', true),
    column('energy_source_export', 'text', true),
    column('periods', 'json'),
    column('tariff', 'text', true),
    column('power_w_mean', 'float', true),
    column('power_w_min', 'float', true),
    column('power_w_max', 'float', true),
    column('voltage_v_min', 'float', true),
    column('voltage_v_max', 'float', true),
    column('cost_currency', 'text', true),
    column('cost_import', 'float', true),
    column('cost_export', 'float', true),
    column('cost_standing', 'float', true),
    column('cost_unknown', 'text', true),
  ],
};

const num = (v: number | null | undefined) => v ?? Number.NaN;

/** `periods` as JSON, periods in name order (stores keep them in different orders). */
export function periodsJson(periods: Rollup['periods']): string {
  const sorted: Rollup['periods'] = {};
  for (const name of Object.keys(periods).sort()) sorted[name] = periods[name] as Rollup['periods'][string];
  return JSON.stringify(sorted);
}

/** A batch of ROLLUPS. Rollups are few (one per channel and interval), so a row is built from each record. */
export function rollupBatch(rollups: readonly Rollup[]): Batch {
  const numbers = (f: (r: Rollup) => number | null | undefined) => Float64Array.from(rollups, (r) => num(f(r)));
  const texts = (f: (r: Rollup) => string | null | undefined) => rollups.map((r) => f(r) ?? null);
  const start = numbers((r) => r.start);
  return {
    length: rollups.length,
    columns: [
      start,
      start,
      numbers((r) => r.end),
      texts((r) => r.site),
      texts((r) => r.meter),
      texts((r) => r.channel),
      texts((r) => r.role),
      texts((r) => r.interval),
      numbers((r) => r.revision),
      numbers((r) => r.readings),
      numbers((r) => r.coverage),
      numbers((r) => r.estimated_ms),
      numbers((r) => r.resets),
      numbers((r) => r.energy_import_wh),
      numbers((r) => r.energy_export_wh),
      texts((r) => r.energy_source.import),
      texts((r) => r.energy_source.export),
      texts((r) => periodsJson(r.periods)),
      texts((r) => r.tariff),
      numbers((r) => r.power_w?.mean),
      numbers((r) => r.power_w?.min),
      numbers((r) => r.power_w?.max),
      numbers((r) => r.voltage_v?.min),
      numbers((r) => r.voltage_v?.max),
      texts((r) => r.cost.currency),
      numbers((r) => r.cost.import),
      numbers((r) => r.cost.export),
      numbers((r) => r.cost.standing),
      texts((r) => r.cost.unknown),
    ],
  };
}
