import type { ValueName } from '@wattbus/contract';
import {
  type ChannelSample,
  type DriverChannel,
  type DriverContext,
  type MeterDriver,
  MeterReadError,
} from '../driver.js';
import type { SimulatedConfig, SimulatedFail } from './config.js';
import { type HouseholdParams, type HouseholdSample, householdPower } from './household.js';
import { rand } from './random.js';

const MS_PER_HOUR = 3_600_000;
/** Energy is integrated with the trapezoid rule over steps of at most this long... */
const MAX_STEP_MS = 5_000;
/** ...but with no more than this many steps per read (long gaps get coarser steps). */
const MAX_STEPS = 2_000;

const CONSUMPTION: DriverChannel = { id: 'consumption', values: ['power_w', 'energy_import_wh'] };
const PRODUCTION: DriverChannel = { id: 'production', values: ['power_w', 'energy_export_wh'] };
const GRID: DriverChannel = {
  id: 'grid',
  values: ['power_w', 'voltage_v', 'frequency_hz', 'energy_import_wh', 'energy_export_wh'],
};

/** Cumulative meter indexes, Wh. */
interface Indexes {
  consumptionImport: number;
  productionExport: number;
  gridImport: number;
  gridExport: number;
}

/**
 * Seeded starting indexes (consumption 1-20 MWh) that balance: consumption = grid import - grid export + PV
 * yield. Without PV the grid import equals the consumption and nothing is exported.
 */
export function initialIndexes(seed: number, hasPv: boolean): Indexes {
  const consumption = 1_000_000 + 19_000_000 * rand(seed, 900, 0);
  if (!hasPv) return { consumptionImport: consumption, productionExport: 0, gridImport: consumption, gridExport: 0 };
  const pv = consumption * (0.3 + 0.4 * rand(seed, 901, 0));
  const gridExport = pv * (0.4 + 0.3 * rand(seed, 902, 0));
  return {
    consumptionImport: consumption,
    productionExport: pv,
    gridImport: consumption - pv + gridExport,
    gridExport,
  };
}

/** Whether `now` falls in the failing tail of a fault-injection window (windows aligned on epoch time). */
export function inOutage(now: number, fail: SimulatedFail | undefined): boolean {
  if (!fail || fail.for_s <= 0) return false;
  const windowMs = fail.every_s * 1000;
  const phase = ((now % windowMs) + windowMs) % windowMs;
  return phase >= windowMs - fail.for_s * 1000;
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

/**
 * A simulated household meter. Powers, voltage and frequency are `householdPower(now)`; energy indexes
 * integrate the model's power between reads (the meter keeps counting through outages and close/open).
 */
export class SimulatedMeter implements MeterDriver {
  readonly channels: readonly DriverChannel[];
  readonly minIntervalMs = 100;
  private readonly params: HouseholdParams;
  private readonly indexes: Indexes;
  private lastTs: number | undefined;
  private last: HouseholdSample | undefined;

  constructor(
    private readonly config: SimulatedConfig,
    private readonly ctx: DriverContext,
  ) {
    this.params = {
      seed: config.seed,
      base_w: config.base_w,
      pv_kwp: config.pv_kwp,
      latitude: config.latitude,
      longitude: config.longitude,
    };
    const hasPv = config.pv_kwp > 0;
    this.channels = hasPv ? [CONSUMPTION, PRODUCTION, GRID] : [CONSUMPTION, GRID];
    this.indexes = initialIndexes(config.seed, hasPv);
  }

  async open(): Promise<void> {}

  async close(): Promise<void> {}

  async read(now: number): Promise<ChannelSample[]> {
    const { fail } = this.config;
    if (fail && inOutage(now, fail)) {
      throw new MeterReadError(
        this.ctx.meterId,
        `simulated outage (fault injection: no answer during the last ${fail.for_s} s of every ${fail.every_s} s)`,
      );
    }
    const sample = householdPower(now, this.params);
    if (this.lastTs !== undefined && this.last !== undefined && now > this.lastTs) {
      this.integrate(this.lastTs, this.last, now, sample);
    }
    // A clock stepping back restarts integration from `now`; indexes never decrease.
    this.lastTs = now;
    this.last = sample;
    return this.samples(now, sample);
  }

  /** Adds the energy between two reads, sampling the model in between (trapezoid rule). */
  private integrate(from: number, first: HouseholdSample, to: number, lastSample: HouseholdSample): void {
    const steps = Math.min(MAX_STEPS, Math.ceil((to - from) / MAX_STEP_MS));
    const h = (to - from) / steps;
    let prev = first;
    const sum = { consumption: 0, production: 0, gridImport: 0, gridExport: 0 };
    for (let i = 1; i <= steps; i++) {
      const next = i === steps ? lastSample : householdPower(from + i * h, this.params);
      sum.consumption += prev.consumption_w + next.consumption_w;
      sum.production += -prev.production_w - next.production_w;
      sum.gridImport += Math.max(0, prev.grid_w) + Math.max(0, next.grid_w);
      sum.gridExport += Math.max(0, -prev.grid_w) + Math.max(0, -next.grid_w);
      prev = next;
    }
    const toWh = h / 2 / MS_PER_HOUR;
    this.indexes.consumptionImport += sum.consumption * toWh;
    this.indexes.productionExport += sum.production * toWh;
    this.indexes.gridImport += sum.gridImport * toWh;
    this.indexes.gridExport += sum.gridExport * toWh;
  }

  private samples(ts: number, s: HouseholdSample): ChannelSample[] {
    const ix = this.indexes;
    const out: ChannelSample[] = [
      {
        channel: CONSUMPTION.id,
        ts,
        values: { power_w: s.consumption_w, energy_import_wh: round3(ix.consumptionImport) },
      },
    ];
    if (this.channels.includes(PRODUCTION)) {
      out.push({
        channel: PRODUCTION.id,
        ts,
        values: { power_w: s.production_w, energy_export_wh: round3(ix.productionExport) },
      });
    }
    const grid: Partial<Record<ValueName, number>> = {
      power_w: s.grid_w,
      voltage_v: s.voltage_v,
      frequency_hz: s.frequency_hz,
      energy_import_wh: round3(ix.gridImport),
      energy_export_wh: round3(ix.gridExport),
    };
    out.push({ channel: GRID.id, ts, values: grid });
    return out;
  }
}

export function createSimulatedMeter(config: SimulatedConfig, ctx: DriverContext): MeterDriver {
  return new SimulatedMeter(config, ctx);
}
