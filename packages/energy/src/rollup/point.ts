import { RATES, type Reading } from '@wattbus/contract';

/** A meter's own per-rate register indexes (`energy_import_wh_hc` …), by tariff period name (`HC` …). */
export type RateIndexes = Readonly<Record<string, number>>;

/** What the rollups keep of one reading; NaN where the reading had no such value. */
export interface Point {
  readonly ts: number;
  /** energy_import_wh / energy_export_wh indexes. */
  readonly imp: number;
  readonly exp: number;
  /** Signed active power (consumption and grid import +, production and grid export −). */
  readonly power: number;
  /** Lowest and highest phase-to-neutral voltage of the reading. */
  readonly vmin: number;
  readonly vmax: number;
  /** labels.serial: a new serial is a new meter, whose index does not continue the old one. */
  readonly serial: string | undefined;
  /** The import and export rate registers, when the meter reports them. */
  readonly impRates?: RateIndexes | undefined;
  readonly expRates?: RateIndexes | undefined;
}

/** Value name → period name of every rate register, per direction: `energy_import_wh_t1` → `T1`. */
const IMPORT_RATES = RATES.map((rate) => [`energy_import_wh_${rate}`, rate.toUpperCase()] as const);
const EXPORT_RATES = RATES.map((rate) => [`energy_export_wh_${rate}`, rate.toUpperCase()] as const);

function ratesOf(values: Reading['values'], names: ReadonlyArray<readonly [string, string]>): RateIndexes | undefined {
  let rates: Record<string, number> | undefined;
  for (const [name, period] of names) {
    const index = (values as Record<string, number | undefined>)[name];
    if (index === undefined) continue;
    rates ??= {};
    rates[period] = index;
  }
  return rates;
}

export function toPoint(reading: Reading): Point {
  const v = reading.values;
  let power = v.power_w ?? Number.NaN;
  if (Number.isNaN(power)) {
    const phases = [v.power_w_l1, v.power_w_l2, v.power_w_l3].filter((p) => p !== undefined);
    if (phases.length > 0) power = phases.reduce((sum, p) => sum + p, 0);
  }
  const vmin = lowest(lowest(v.voltage_v, v.voltage_v_l1), lowest(v.voltage_v_l2, v.voltage_v_l3));
  const vmax = highest(highest(v.voltage_v, v.voltage_v_l1), highest(v.voltage_v_l2, v.voltage_v_l3));
  return {
    ts: reading.ts,
    imp: v.energy_import_wh ?? Number.NaN,
    exp: v.energy_export_wh ?? Number.NaN,
    power,
    vmin,
    vmax,
    serial: reading.labels?.serial,
    impRates: ratesOf(v, IMPORT_RATES),
    expRates: ratesOf(v, EXPORT_RATES),
  };
}

/**
 * A point as JSON, which has no NaN: [ts, imp, exp, power, vmin, vmax, serial], null for NaN or no serial, then the
 * import and export rate registers only when the meter has some (so snapshots written before them still decode).
 */
export type EncodedPoint = [
  number,
  number | null,
  number | null,
  number | null,
  number | null,
  number | null,
  string | null,
  (RateIndexes | null)?,
  (RateIndexes | null)?,
];

export function encodePoint(p: Point): EncodedPoint {
  const n = (x: number) => (Number.isNaN(x) ? null : x);
  const encoded: EncodedPoint = [p.ts, n(p.imp), n(p.exp), n(p.power), n(p.vmin), n(p.vmax), p.serial ?? null];
  if (p.impRates !== undefined || p.expRates !== undefined) encoded.push(p.impRates ?? null, p.expRates ?? null);
  return encoded;
}

export function decodePoint([ts, imp, exp, power, vmin, vmax, serial, impRates, expRates]: EncodedPoint): Point {
  const n = (x: number | null) => x ?? Number.NaN;
  return {
    ts,
    imp: n(imp),
    exp: n(exp),
    power: n(power),
    vmin: n(vmin),
    vmax: n(vmax),
    serial: serial ?? undefined,
    impRates: impRates ?? undefined,
    expRates: expRates ?? undefined,
  };
}

/** The lower of two optional values; NaN when both are missing. (No array: this runs for every reading.) */
function lowest(a: number | undefined, b: number | undefined): number {
  if (a === undefined || Number.isNaN(a)) return b ?? Number.NaN;
  if (b === undefined || Number.isNaN(b)) return a;
  return a < b ? a : b;
}

function highest(a: number | undefined, b: number | undefined): number {
  if (a === undefined || Number.isNaN(a)) return b ?? Number.NaN;
  if (b === undefined || Number.isNaN(b)) return a;
  return a > b ? a : b;
}

/** Index of the last point at or before `ts` in points sorted by ts; -1 if none. */
export function lastAtOrBefore(points: readonly Point[], ts: number): number {
  let lo = 0;
  let hi = points.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((points[mid] as Point).ts <= ts) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}
