import type { Rollup, RollupInterval } from '@wattbus/contract';

/** Rollups as the rollup service emits them, and the rows an export of them must hold: shared by the stores' tests. */

export const ROLLUP_T0 = Date.UTC(2026, 2, 28, 23, 0, 0); // 2 h across a UTC midnight: two day partitions
export const ROLLUP_SITES = ['house-12', 'house-13'] as const;

/** 15 min rollups of a grid channel for 2 h per site, and 1 h ones (another interval the export must leave out). */
export function makeRollups(): Rollup[] {
  const out: Rollup[] = [];
  for (const site of ROLLUP_SITES) {
    for (const [interval, step, count] of [
      ['15m', 900_000, 8],
      ['1h', 3_600_000, 2],
    ] as const) {
      for (let i = 0; i < count; i++) {
        const start = ROLLUP_T0 + i * step;
        const energy = 100 + i * 12.5 + (site === 'house-13' ? 1000 : 0);
        const known = i !== 3; // one interval without a price: cost unknown, with its reason
        out.push(rollup(site, interval, start, start + step, 0, energy, known));
      }
    }
  }
  return out;
}

export function rollup(
  site: string,
  interval: RollupInterval,
  start: number,
  end: number,
  revision: number,
  energy: number,
  priced: boolean,
): Rollup {
  return {
    v: 1,
    key: `${site}/main/grid/${interval}/${start}`,
    site,
    meter: 'main',
    channel: 'grid',
    role: 'grid',
    interval,
    start,
    end,
    revision,
    readings: 900 - revision,
    coverage: revision === 0 ? 0.75 : 1,
    estimated_ms: revision === 0 ? 60_000 : 0,
    resets: 0,
    energy_import_wh: energy,
    energy_export_wh: revision === 0 ? null : 2.5,
    energy_source: { import: 'index', export: revision === 0 ? null : 'power' },
    periods: { HP: { import_wh: energy * 0.75, export_wh: 0 }, HC: { import_wh: energy * 0.25, export_wh: 0 } },
    tariff: 'fr-hphc',
    power_w: { mean: energy * 4, min: 12.25, max: energy * 9 },
    voltage_v: { min: 228.5, max: 241.25 },
    cost: {
      currency: 'EUR',
      import: priced ? energy * 0.0002 : null,
      export: revision === 0 ? null : 0,
      standing: null,
      unknown: priced ? null : `no price in prices/hp.csv for ${new Date(start).toISOString()}`,
    },
  };
}

/** A row of the export's rollup columns, with times as instants (ms) and absent values null. */
export type RollupRow = Record<string, string | number | null>;

export function expectedRow(r: Rollup): RollupRow {
  const periods = Object.fromEntries(
    Object.keys(r.periods)
      .sort()
      .map((k) => [k, r.periods[k]]),
  );
  return {
    time: r.start,
    end: r.end,
    site: r.site,
    meter: r.meter,
    channel: r.channel,
    role: r.role,
    interval: r.interval,
    revision: r.revision,
    readings: r.readings,
    coverage: r.coverage,
    estimated_ms: r.estimated_ms,
    resets: r.resets,
    energy_import_wh: r.energy_import_wh,
    energy_export_wh: r.energy_export_wh,
    energy_source_import: r.energy_source.import,
    energy_source_export: r.energy_source.export,
    periods: JSON.stringify(periods),
    tariff: r.tariff,
    power_w_mean: r.power_w?.mean ?? null,
    power_w_min: r.power_w?.min ?? null,
    power_w_max: r.power_w?.max ?? null,
    voltage_v_min: r.voltage_v?.min ?? null,
    voltage_v_max: r.voltage_v?.max ?? null,
    cost_currency: r.cost.currency,
    cost_import: r.cost.import,
    cost_export: r.cost.export,
    cost_standing: r.cost.standing,
    cost_unknown: r.cost.unknown,
  };
}

export const ROLLUP_COLUMNS = Object.keys(expectedRow(makeRollups()[0] as Rollup));

export const byKey = (rows: RollupRow[]) =>
  [...rows].sort((a, b) => `${a.site}|${a.time}`.localeCompare(`${b.site}|${b.time}`));

const NUMBERS = new Set([
  'revision',
  'readings',
  'coverage',
  'estimated_ms',
  'resets',
  'energy_import_wh',
  'energy_export_wh',
  'power_w_mean',
  'power_w_min',
  'power_w_max',
  'voltage_v_min',
  'voltage_v_max',
  'cost_import',
  'cost_export',
  'cost_standing',
]);

/** A row read back by any reader: instants to ms, numbers to numbers, absent values to null. */
export function normalise(o: Record<string, unknown>): RollupRow {
  const row: RollupRow = {};
  for (const name of ROLLUP_COLUMNS) {
    const v = o[name];
    if (v === null || v === undefined || v === '') row[name] = null;
    else if (name === 'time' || name === 'end') row[name] = typeof v === 'string' ? Date.parse(v) : Number(v);
    else if (name === 'periods') row[name] = typeof v === 'string' ? v : JSON.stringify(v);
    else row[name] = NUMBERS.has(name) ? Number(v) : String(v);
  }
  return row;
}
