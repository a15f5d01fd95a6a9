/**
 * What the forecaster knows when it forecasts hour `target` at `issued` (an hour boundary; hours before it are
 * observed): the target's local hour of day as two harmonics, whether it is a weekend, and, when the site has
 * them, its PV production at the same hour yesterday and over the last three hours, and the latest temperature.
 */
import { HOUR_MS, type SiteHour } from './hours.js';

export interface FeatureContext {
  hours: Map<number, SiteHour>;
  timezone: string;
  /** Normalises production; 0 when PV is not used. */
  peak_wh: number;
  use_pv: boolean;
  use_temperature: boolean;
  horizon_h: number;
}

const clocks = new Map<string, Intl.DateTimeFormat>();

/** Local hour (fractional) and weekday (0 = Monday) of `ms` in `timezone`. */
export function localClock(ms: number, timezone: string): { hour: number; weekday: number } {
  let clock = clocks.get(timezone);
  if (!clock) {
    clock = new Intl.DateTimeFormat('en-GB', {
      timeZone: timezone,
      hourCycle: 'h23',
      weekday: 'short',
      hour: 'numeric',
      minute: 'numeric',
    });
    clocks.set(timezone, clock);
  }
  const parts = Object.fromEntries(clock.formatToParts(ms).map((p) => [p.type, p.value]));
  const weekday = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(parts.weekday ?? '');
  return { hour: Number(parts.hour) + Number(parts.minute) / 60, weekday };
}

export function isTimeZone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}

/** The feature row, or null when an input it needs is missing. */
export function featureRow(target: number, issued: number, ctx: FeatureContext): number[] | null {
  // The middle of the hour, so an hour of day is centred on what it covers.
  const { hour, weekday } = localClock(target + HOUR_MS / 2, ctx.timezone);
  const angle = (2 * Math.PI * hour) / 24;
  const row = [Math.sin(angle), Math.cos(angle), Math.sin(2 * angle), Math.cos(2 * angle), weekday >= 5 ? 1 : 0];
  row.push((target - issued) / HOUR_MS / ctx.horizon_h);
  if (ctx.use_pv) {
    const yesterday = ctx.hours.get(target - 24 * HOUR_MS)?.production_wh;
    if (yesterday === undefined || yesterday === null) return null;
    let recent = 0;
    for (let k = 1; k <= 3; k++) {
      const p = ctx.hours.get(issued - k * HOUR_MS)?.production_wh;
      if (p === undefined || p === null) return null;
      recent += p;
    }
    row.push(yesterday / ctx.peak_wh, recent / 3 / ctx.peak_wh);
  }
  if (ctx.use_temperature) {
    let temperature: number | null | undefined;
    for (let k = 1; k <= 3 && (temperature === undefined || temperature === null); k++) {
      temperature = ctx.hours.get(issued - k * HOUR_MS)?.temperature_c;
    }
    if (temperature === undefined || temperature === null) return null;
    row.push(temperature);
  }
  return row;
}
