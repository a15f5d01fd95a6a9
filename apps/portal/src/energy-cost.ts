/**
 * Energy and cost per local day or month, for one site or a group's sites, from the daily rollups; a site's
 * day without rollups (no rollup service yet, or before it started) takes its energy from the readings
 * instead, with its cost unknown. Pure: the API runs the queries and passes their answers in.
 */
import type { InfluxSeries } from './influx-client.js';
import { localDate } from './local-day.js';

export type By = 'day' | 'month';

export interface EnergyCostRow {
  /** `YYYY-MM-DD` or `YYYY-MM` in the portal's time zone. */
  period: string;
  /** The first instant of the period (a local midnight). */
  start: number;
  /** Wh each way per role, summed over the channels and sites. */
  roles: Record<string, { import_wh: number; export_wh: number }>;
  /** The grid channels' cost (the bill): `total` = import − export + standing; null where not known. */
  cost: { import: number | null; export: number | null; standing: number | null; total: number | null };
  /** Whether every day of every site in the period has a known grid cost. */
  cost_complete: boolean;
  /** Where the energy came from: rollups, raw readings (days without rollups) or both. */
  source: 'rollup' | 'readings' | 'mixed';
}

interface Day {
  site: string;
  start: number;
  roles: Record<string, { import_wh: number; export_wh: number }>;
  cost: { import: number; export: number; standing: number };
  costComplete: boolean;
  source: 'rollup' | 'readings';
}

/** Sums of prices carry binary noise (0.1 + 0.2); a millionth of the currency is below any tariff's precision. */
/** The Wh each way of `role` in `roles`, added if missing. */
function energyOf(roles: Day['roles'], role: string): { import_wh: number; export_wh: number } {
  const found = roles[role] ?? { import_wh: 0, export_wh: 0 };
  roles[role] = found;
  return found;
}

const money = (v: number) => Math.round(v * 1e6) / 1e6;
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** The daily rollups of a `rollupDaysQuery` answer, per site and local day, and the tariffs' currency. */
function rollupDays(series: readonly InfluxSeries[]): { days: Map<string, Day>; currency: string | null } {
  const days = new Map<string, Day>();
  let currency: string | null = null;
  for (const s of series) {
    const site = s.tags?.site ?? '';
    const col = (name: string) => s.columns.indexOf(name);
    const [t, role, imp, exp, cImp, cExp, cStand, cUnknown, cCurrency] = [
      'time',
      'role',
      'energy_import_wh',
      'energy_export_wh',
      'cost_import',
      'cost_export',
      'cost_standing',
      'cost_unknown',
      'cost_currency',
    ].map(col) as number[];
    for (const row of s.values ?? []) {
      const start = row[t as number] as number;
      const key = `${site} ${start}`;
      const day = days.get(key) ?? {
        site,
        start,
        roles: {},
        cost: { import: 0, export: 0, standing: 0 },
        costComplete: true,
        source: 'rollup' as const,
      };
      days.set(key, day);
      const r = typeof row[role as number] === 'string' ? (row[role as number] as string) : 'other';
      const energy = energyOf(day.roles, r);
      energy.import_wh += num(row[imp as number]) ?? 0;
      energy.export_wh += num(row[exp as number]) ?? 0;
      if (r !== 'grid') continue;
      const c = row[cCurrency as number];
      if (typeof c === 'string') currency ??= c;
      const [ci, ce] = [num(row[cImp as number]), num(row[cExp as number])];
      if (ci === null || ce === null || row[cUnknown as number] != null) day.costComplete = false;
      day.cost.import += ci ?? 0;
      day.cost.export += ce ?? 0;
      day.cost.standing += num(row[cStand as number]) ?? 0;
    }
  }
  return { days, currency };
}

/**
 * Energy and cost per period. `rollups`: the answer of `rollupDaysQuery`; `readings`: per site, the energy per
 * local day and role from power (`energyPerDaySinceQuery`: net Wh, import positive), used for the days that
 * site has no rollup.
 */
export function energyCost(
  rollups: readonly InfluxSeries[],
  readings: ReadonlyMap<string, Record<string, Array<[number, number]>>>,
  by: By,
  timeZone: string,
): { rows: EnergyCostRow[]; currency: string | null } {
  const { days, currency } = rollupDays(rollups);
  for (const [site, byRole] of readings) {
    for (const [role, points] of Object.entries(byRole)) {
      for (const [start, wh] of points) {
        const key = `${site} ${start}`;
        const existing = days.get(key);
        if (existing?.source === 'rollup') continue;
        const day = existing ?? {
          site,
          start,
          roles: {},
          cost: { import: 0, export: 0, standing: 0 },
          costComplete: false,
          source: 'readings' as const,
        };
        days.set(key, day);
        day.roles[role] = { import_wh: Math.max(wh, 0), export_wh: Math.max(-wh, 0) };
      }
    }
  }
  const rows = new Map<string, EnergyCostRow>();
  for (const day of [...days.values()].sort((a, b) => a.start - b.start)) {
    const date = localDate(day.start, timeZone);
    const period = by === 'day' ? date : date.slice(0, 7);
    const row = rows.get(period) ?? {
      period,
      start: day.start,
      roles: {},
      cost: { import: 0, export: 0, standing: 0, total: 0 },
      cost_complete: true,
      source: day.source,
    };
    rows.set(period, row);
    if (row.source !== day.source) row.source = 'mixed';
    for (const [role, e] of Object.entries(day.roles)) {
      const sum = energyOf(row.roles, role);
      sum.import_wh += e.import_wh;
      sum.export_wh += e.export_wh;
    }
    row.cost_complete &&= day.costComplete;
    row.cost.import = (row.cost.import as number) + day.cost.import;
    row.cost.export = (row.cost.export as number) + day.cost.export;
    row.cost.standing = (row.cost.standing as number) + day.cost.standing;
  }
  for (const row of rows.values()) {
    const { import: i, export: e, standing } = row.cost as { import: number; export: number; standing: number };
    // A partial sum is never shown as the cost: unknown stays unknown.
    row.cost = row.cost_complete
      ? { import: money(i), export: money(e), standing: money(standing), total: money(i - e + standing) }
      : { import: null, export: null, standing: null, total: null };
  }
  return { rows: [...rows.values()], currency };
}
