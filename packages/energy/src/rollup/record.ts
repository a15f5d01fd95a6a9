import type { IntervalName } from './intervals.js';

export type EnergySource = 'index' | 'power' | 'mixed';

/**
 * One channel's rollup over one interval. `key` is the same for every revision of it (site, meter, channel, interval,
 * start); a store keeps the highest `revision` (0 when first emitted, +1 each time a late reading corrects it).
 */
export interface RollupRecord {
  key: string;
  site: string;
  meter: string;
  channel: string;
  role: string;
  interval: IntervalName;
  /** UTC ms; a day runs from local midnight to local midnight (23 h to 25 h). */
  start: number;
  end: number;
  revision: number;
  /** Readings measured in [start, end). */
  readings: number;
  /** Share of the interval between readings at most `max_sample_gap_ms` apart (0..1). */
  coverage: number;
  /** Time of the interval whose energy was spread linearly over a longer gap (up to `max_interpolate_gap_ms`). */
  estimated_ms: number;
  /** Index breaks (counter reset, going backwards, meter replaced) in the interval: their energy is from power or unknown. */
  resets: number;
  /** Null when no part of the interval has a known energy. */
  energy_import_wh: number | null;
  energy_export_wh: number | null;
  /** index: from index deltas; power: integrated from power (trapezoid); mixed: both. */
  energy_source: { import: EnergySource | null; export: EnergySource | null };
  /** Energy by tariff period; empty without a tariff. */
  periods: Record<string, { import_wh: number; export_wh: number }>;
  tariff: string | null;
  /** Mean, lowest and highest of the readings' power in the interval. */
  power_w: { mean: number; min: number; max: number } | null;
  /** Lowest and highest phase-to-neutral voltage in the interval. */
  voltage_v: { min: number; max: number } | null;
  cost: RollupCost;
}

export interface RollupCost {
  currency: string | null;
  /** Energy imported × import price; null when unknown (see `unknown`). */
  import: number | null;
  /** Energy exported × export (injection) price, as a positive amount; null when unknown. */
  export: number | null;
  /** The tariff's standing charge, on day rollups of grid channels only. */
  standing: number | null;
  /** Why import or export cost is null: the price or energy that is missing, naming the interval or data line. */
  unknown: string | null;
}
