import type { Reading } from '@wattbus/contract';
import { DateTime } from 'luxon';
import type { EnergyConfig } from '../src/config/schema.js';
import { RollupEngine, type RollupEngineOptions } from '../src/rollup/engine.js';
import type { RollupRecord } from '../src/rollup/record.js';
import { Tariffs } from '../src/tariff/tariffs.js';

export const PARIS = 'Europe/Paris';

/** UTC ms of a Paris wall-clock time, e.g. paris('2026-01-13T06:00'). */
export const paris = (local: string): number => DateTime.fromISO(local, { zone: PARIS }).toMillis();
export const MIN = 60_000;
export const HOUR = 3_600_000;

/**
 * HP 06:00–22:00 every day (or only the listed days), HC the rest; import 0.25 (HP) / 0.20 (HC), export 0.10, standing
 * charge 0.50 per day. The site `house-1` uses it.
 */
export function parisConfig(overrides: Partial<EnergyConfig['tariffs'][string]> = {}): EnergyConfig {
  return {
    tariffs: {
      'fr-hphc': {
        timezone: PARIS,
        default_period: 'HC',
        holidays: [],
        rules: [{ period: 'HP', from: '06:00', to: '22:00' }],
        currency: 'EUR',
        import: { fixed: { HP: 0.25, HC: 0.2 } },
        export: { fixed: { '*': 0.1 } },
        standing_charge_per_day: 0.5,
        ...overrides,
      },
    },
    groups: {},
    sites: { 'house-1': { tariff: 'fr-hphc' } },
  };
}

export function engineFor(config: EnergyConfig, options: Partial<RollupEngineOptions> = {}): RollupEngine {
  const tariffs = new Tariffs(config, { baseDir: '.' });
  return new RollupEngine({ planFor: (site) => tariffs.planFor(site), ...options });
}

let seq = 0;
export interface ReadingSpec {
  ts: number;
  imp?: number;
  exp?: number;
  power?: number;
  voltage?: number;
  serial?: string;
  role?: Reading['role'];
  channel?: string;
}

export function reading(spec: ReadingSpec): Reading {
  const values: Record<string, number> = {};
  if (spec.imp !== undefined) values.energy_import_wh = spec.imp;
  if (spec.exp !== undefined) values.energy_export_wh = spec.exp;
  if (spec.power !== undefined) values.power_w = spec.power;
  if (spec.voltage !== undefined) values.voltage_v = spec.voltage;
  return {
    v: 1,
    site: 'house-1',
    meter: 'main',
    channel: spec.channel ?? 'grid',
    role: spec.role ?? 'grid',
    seq: seq++,
    ts: spec.ts,
    values,
    ...(spec.serial === undefined ? {} : { labels: { serial: spec.serial } }),
  };
}

/** The latest revision of each record, by key. */
export function latest(records: Iterable<RollupRecord>): Map<string, RollupRecord> {
  const byKey = new Map<string, RollupRecord>();
  for (const record of records) {
    const seen = byKey.get(record.key);
    if (seen === undefined || record.revision > seen.revision) byKey.set(record.key, record);
  }
  return byKey;
}

export function find(records: Iterable<RollupRecord>, interval: string, start: number): RollupRecord {
  for (const record of records) if (record.interval === interval && record.start === start) return record;
  throw new Error(`no ${interval} record starting ${new Date(start).toISOString()}`);
}
