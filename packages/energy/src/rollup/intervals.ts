import type { LocalDays } from '../time/local-days.js';

export const INTERVAL_NAMES = ['1m', '15m', '1h', '1d'] as const;
export type IntervalName = (typeof INTERVAL_NAMES)[number];

const LENGTH_MS: Record<Exclude<IntervalName, '1d'>, number> = { '1m': 60_000, '15m': 900_000, '1h': 3_600_000 };

export interface Interval {
  start: number;
  end: number;
}

/**
 * The interval of `name` holding `ts`. Sub-day intervals are counted in elapsed time from the local midnight, so
 * they tile the local day exactly (23 or 25 hours on DST days) and a day's intervals add up to the day.
 */
export function intervalAt(name: IntervalName, ts: number, days: LocalDays): Interval {
  const day = days.dayOf(ts);
  if (name === '1d') return { start: day.start, end: day.end };
  const length = LENGTH_MS[name];
  const start = day.start + Math.floor((ts - day.start) / length) * length;
  return { start, end: Math.min(start + length, day.end) };
}
