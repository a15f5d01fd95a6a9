import type { Rollup, RollupInterval } from '@wattbus/contract';

/**
 * How much time one rollup query covers: about as many rows per query as a raw window of 1 s readings holds, for
 * a hundred channels, whatever the interval.
 */
export const ROLLUP_WINDOW_MS: Record<RollupInterval, number> = {
  '1m': 86_400_000,
  '15m': 7 * 86_400_000,
  '1h': 30 * 86_400_000,
  '1d': 366 * 86_400_000,
};

const PERIOD_FIELD = /^periods_(.+)_(import|export)_wh$/;

/**
 * A rollup back from the point the InfluxDB sink wrote (`rollupToLine`): tags site, meter, channel, interval, the
 * interval's start as time, every other property a field, nested ones flattened with `_`, a null not written.
 * One point per rollup: a correction overwrites it (the sink deletes a corrected point first), so the point holds
 * the newest revision.
 */
export function rollupOfPoint(columns: readonly string[], point: readonly unknown[]): Rollup {
  const field: Record<string, unknown> = {};
  const periods: Rollup['periods'] = {};
  columns.forEach((name, i) => {
    const value = point[i];
    if (value === null || value === undefined) return;
    const period = PERIOD_FIELD.exec(name);
    if (period === null) field[name] = value;
    else {
      const [, periodName = '', way] = period;
      const figures = periods[periodName] ?? { import_wh: 0, export_wh: 0 };
      figures[way === 'import' ? 'import_wh' : 'export_wh'] = value as number;
      periods[periodName] = figures;
    }
  });
  const num = (name: string) => (typeof field[name] === 'number' ? (field[name] as number) : null);
  const str = (name: string) => (typeof field[name] === 'string' ? (field[name] as string) : null);
  const source = (name: string) => str(name) as Rollup['energy_source']['import'];
  const [mean, min, max] = [num('power_w_mean'), num('power_w_min'), num('power_w_max')];
  const [vMin, vMax] = [num('voltage_v_min'), num('voltage_v_max')];
  const start = field.time as number;
  return {
    v: 1,
    key: str('key') ?? `${field.site}/${field.meter}/${field.channel}/${field.interval}/${start}`,
    site: String(field.site ?? ''),
    meter: String(field.meter ?? ''),
    channel: String(field.channel ?? ''),
    role: (str('role') ?? '') as Rollup['role'],
    interval: field.interval as RollupInterval,
    start,
    end: num('end') ?? start,
    revision: num('revision') ?? 0,
    readings: num('readings') ?? 0,
    coverage: num('coverage') ?? 0,
    estimated_ms: num('estimated_ms') ?? 0,
    resets: num('resets') ?? 0,
    energy_import_wh: num('energy_import_wh'),
    energy_export_wh: num('energy_export_wh'),
    energy_source: { import: source('energy_source_import'), export: source('energy_source_export') },
    periods,
    tariff: str('tariff'),
    power_w: mean === null || min === null || max === null ? null : { mean, min, max },
    voltage_v: vMin === null || vMax === null ? null : { min: vMin, max: vMax },
    cost: {
      currency: str('cost_currency'),
      import: num('cost_import'),
      export: num('cost_export'),
      standing: num('cost_standing'),
      unknown: str('cost_unknown'),
    },
  };
}
