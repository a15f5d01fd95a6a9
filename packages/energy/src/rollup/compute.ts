import type { PriceAt, PriceSource } from '../prices/price-source.js';
import type { SitePlan } from '../tariff/tariffs.js';
import { lastAtOrBefore, type Point, type RateIndexes } from './point.js';
import type { EnergySource, RollupCost } from './record.js';
import { positiveWh } from './trapezoid.js';

export interface ComputeOptions {
  max_sample_gap_ms: number;
  max_interpolate_gap_ms: number;
}

/** The measured part of a rollup record (everything but its identity). */
export interface IntervalFigures {
  readings: number;
  coverage: number;
  estimated_ms: number;
  resets: number;
  energy_import_wh: number | null;
  energy_export_wh: number | null;
  energy_source: { import: EnergySource | null; export: EnergySource | null };
  periods: Record<string, { import_wh: number; export_wh: number }>;
  power_w: { mean: number; min: number; max: number } | null;
  voltage_v: { min: number; max: number } | null;
  cost: Omit<RollupCost, 'standing'>;
}

const INDEX = 1;
const POWER = 2;

/** Energy and cost of one direction (import or export) over an interval. */
class Direction {
  wh = 0;
  sources = 0;
  cost = 0;
  unknown: string | undefined;

  constructor(
    private readonly prices: PriceSource | undefined,
    private readonly noPrice: string,
  ) {}

  add(wh: number, source: number, priced: { price: number | null; reason?: string | undefined } | undefined): void {
    this.wh += wh;
    this.sources |= source;
    if (wh === 0 || this.unknown !== undefined) return;
    if (priced === undefined) this.unknown = this.noPrice;
    else if (priced.price === null) this.unknown = priced.reason ?? 'no price';
    else this.cost += (wh / 1000) * priced.price;
  }

  priceAt(ts: number) {
    return this.prices?.at(ts);
  }

  /** The price of energy the meter's registers put in `period`: the period's fixed price, else the instant's. */
  priceOf(period: string, instant: PriceAt | undefined): PriceAt | undefined {
    return this.prices?.forPeriod?.(period) ?? instant;
  }

  energy(): number | null {
    return this.sources === 0 ? null : this.wh;
  }

  energyUnknown(direction: string): string | undefined {
    return this.sources === 0 ? `no known ${direction} energy in this interval` : undefined;
  }

  source(): EnergySource | null {
    return this.sources === 0 ? null : this.sources === INDEX ? 'index' : this.sources === POWER ? 'power' : 'mixed';
  }

  costOrNull(): number | null {
    return this.sources === 0 || this.unknown !== undefined ? null : this.cost;
  }
}

/**
 * Each rate register's share of a segment's energy, by period, when the meter reports the same registers at both
 * ends and none went backwards; undefined otherwise (the calendar splits the segment then). Shares, not deltas: the
 * total index stays the amount (registers may round differently), the registers say how it divides.
 */
function rateShares(a: RateIndexes | undefined, b: RateIndexes | undefined): Array<[string, number]> | undefined {
  if (a === undefined || b === undefined) return undefined;
  const deltas: Array<[string, number]> = [];
  let sum = 0;
  for (const period in a) {
    const delta = (b[period] ?? Number.NaN) - (a[period] as number);
    if (!(delta >= 0)) return undefined;
    if (delta > 0) deltas.push([period, delta]);
    sum += delta;
  }
  if (sum === 0 || Object.keys(a).length !== Object.keys(b).length) return undefined;
  return deltas.map(([period, delta]) => [period, delta / sum]);
}

function slotOf(periods: IntervalFigures['periods'], period: string): { import_wh: number; export_wh: number } {
  let slot = periods[period];
  if (slot === undefined) {
    slot = { import_wh: 0, export_wh: 0 };
    periods[period] = slot;
  }
  return slot;
}

function noPrice(plan: SitePlan, direction: 'import' | 'export'): string {
  return plan.tariff === undefined ? 'no tariff for this site' : `tariff "${plan.tariff}" has no ${direction} prices`;
}

/**
 * Figures of the interval [start, end) from a channel's points (sorted by ts), or null when no reading is in it and
 * no segment with a known energy crosses it. Each segment between consecutive readings is cut at the interval's ends and at every
 * tariff-period and price boundary; the energy of a piece is the index delta interpolated linearly at its ends (or
 * the trapezoid of the power, when the index is missing or broken).
 */
export function computeInterval(
  points: readonly Point[],
  start: number,
  end: number,
  plan: SitePlan,
  options: ComputeOptions,
): IntervalFigures | null {
  const imp = new Direction(plan.import, noPrice(plan, 'import'));
  const exp = new Direction(plan.export, noPrice(plan, 'export'));
  const periods: Record<string, { import_wh: number; export_wh: number }> = {};
  const calendar = plan.calendar;
  let readings = 0;
  let powerSum = 0;
  let powerCount = 0;
  let powerMin = Number.POSITIVE_INFINITY;
  let powerMax = Number.NEGATIVE_INFINITY;
  let vmin = Number.POSITIVE_INFINITY;
  let vmax = Number.NEGATIVE_INFINITY;
  let covered = 0;
  let estimated = 0;
  let resets = 0;
  let touched = false;

  for (let k = Math.max(lastAtOrBefore(points, start), 0); k < points.length; k++) {
    const a = points[k] as Point;
    if (a.ts >= end) break;
    if (a.ts >= start) {
      touched = true;
      readings++;
      if (!Number.isNaN(a.power)) {
        powerSum += a.power;
        powerCount++;
        if (a.power < powerMin) powerMin = a.power;
        if (a.power > powerMax) powerMax = a.power;
      }
      if (a.vmin < vmin) vmin = a.vmin;
      if (a.vmax > vmax) vmax = a.vmax;
    }
    const b = points[k + 1];
    if (b === undefined) break;
    const sameMeter = a.serial === b.serial;
    const impDelta = sameMeter ? b.imp - a.imp : Number.NaN;
    const expDelta = sameMeter ? b.exp - a.exp : Number.NaN;
    // A break is counted in the interval where the reading after it was measured.
    if ((!sameMeter || impDelta < 0 || expDelta < 0) && b.ts >= start && b.ts < end) resets++;
    const lo = Math.max(a.ts, start);
    const hi = Math.min(b.ts, end);
    const dt = b.ts - a.ts;
    if (hi <= lo || dt > options.max_interpolate_gap_ms) continue;
    const powerOk = !Number.isNaN(a.power) && !Number.isNaN(b.power) && dt <= options.max_sample_gap_ms;
    const impMode = impDelta >= 0 ? INDEX : powerOk ? POWER : 0;
    const expMode = expDelta >= 0 ? INDEX : powerOk ? POWER : 0;
    if (impMode === 0 && expMode === 0) continue;
    // The meter's own registers split an index delta into periods where it has them; the calendar does elsewhere.
    const impShares = impMode === INDEX ? rateShares(a.impRates, b.impRates) : undefined;
    const expShares = expMode === INDEX ? rateShares(a.expRates, b.expRates) : undefined;
    const impByCalendar = impMode !== 0 && impShares === undefined;
    const expByCalendar = expMode !== 0 && expShares === undefined;
    touched = true;
    if (dt <= options.max_sample_gap_ms) covered += hi - lo;
    else estimated += hi - lo;

    let t = lo;
    let pt = a.power + ((b.power - a.power) * (t - a.ts)) / dt;
    while (t < hi) {
      let next = hi;
      const period = calendar?.periodAt(t);
      if (period !== undefined && period.until < next) next = period.until;
      const impPrice = impMode !== 0 ? imp.priceAt(t) : undefined;
      if (impPrice !== undefined && impPrice.until < next) next = impPrice.until;
      const expPrice = expMode !== 0 ? exp.priceAt(t) : undefined;
      if (expPrice !== undefined && expPrice.until < next) next = expPrice.until;
      const share = (next - t) / dt;
      const pn = a.power + ((b.power - a.power) * (next - a.ts)) / dt;
      const impWh = impMode === INDEX ? impDelta * share : impMode === POWER ? positiveWh(pt, pn, next - t) : 0;
      const expWh = expMode === INDEX ? expDelta * share : expMode === POWER ? positiveWh(-pt, -pn, next - t) : 0;
      if (impByCalendar) imp.add(impWh, impMode, impPrice);
      if (expByCalendar) exp.add(expWh, expMode, expPrice);
      if (period !== undefined && (impByCalendar || expByCalendar)) {
        const slot = slotOf(periods, period.period);
        if (impByCalendar) slot.import_wh += impWh;
        if (expByCalendar) slot.export_wh += expWh;
      }
      for (const [name, share] of impShares ?? []) {
        imp.add(impWh * share, INDEX, imp.priceOf(name, impPrice));
        slotOf(periods, name).import_wh += impWh * share;
      }
      for (const [name, share] of expShares ?? []) {
        exp.add(expWh * share, INDEX, exp.priceOf(name, expPrice));
        slotOf(periods, name).export_wh += expWh * share;
      }
      t = next;
      pt = pn;
    }
  }
  if (!touched) return null;

  const length = end - start;
  return {
    readings,
    coverage: covered / length,
    estimated_ms: estimated,
    resets,
    energy_import_wh: imp.energy(),
    energy_export_wh: exp.energy(),
    energy_source: { import: imp.source(), export: exp.source() },
    periods,
    power_w: powerCount === 0 ? null : { mean: powerSum / powerCount, min: powerMin, max: powerMax },
    voltage_v: vmin === Number.POSITIVE_INFINITY ? null : { min: vmin, max: vmax },
    cost: {
      currency: plan.currency ?? null,
      import: imp.costOrNull(),
      export: exp.costOrNull(),
      unknown: imp.unknown ?? exp.unknown ?? imp.energyUnknown('import') ?? exp.energyUnknown('export') ?? null,
    },
  };
}
