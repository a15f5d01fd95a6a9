/**
 * InfluxQL for the portal's history views, over the influx sink's schema (measurement `reading`; tags
 * site, meter, channel, role; fields such as power_w). User input never reaches a query unchecked: the
 * site id must match the contract's id pattern (and the caller has checked the user's rights to it), the
 * range is one of a fixed set, the day count an integer in bounds; the site is quoted and escaped anyway.
 */
import { isSiteId } from '@wattbus/contract';
import { MEASUREMENT } from '@wattbus/sinks/influx-http';
import { isTimeZone, startOfLocalDay } from './local-day.js';

/** Where the sink worker stores rollups (docs/energy.md#in-grafana). */
export const ROLLUP_MEASUREMENT = 'rollup';

export const RANGES = {
  '24h': { duration: '24h', bucket: '5m', span_ms: 86_400_000, bucket_ms: 5 * 60_000 },
  '7d': { duration: '7d', bucket: '30m', span_ms: 7 * 86_400_000, bucket_ms: 30 * 60_000 },
  '30d': { duration: '30d', bucket: '2h', span_ms: 30 * 86_400_000, bucket_ms: 2 * 3_600_000 },
} as const;
export type Range = keyof typeof RANGES;

export const MAX_DAYS = 90;

/**
 * |power_w| from which a reading is taken for a meter glitch and left out of history and energy: 1 GW, far
 * beyond any household. Values such as 1e308 are valid readings, but InfluxDB's own mean or sum of two of
 * them is +Inf, which it cannot even send as JSON. `outlierCountQuery` counts what was left out.
 */
export const ABSURD_POWER_W = 1_000_000_000;
const PLAUSIBLE = `"power_w" > -${ABSURD_POWER_W} AND "power_w" < ${ABSURD_POWER_W}`;

export function isRange(value: unknown): value is Range {
  return typeof value === 'string' && Object.hasOwn(RANGES, value);
}

/** An InfluxQL string literal. */
function literal(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function siteLiteral(site: string): string {
  if (!isSiteId(site)) throw new RangeError(`invalid site id ${JSON.stringify(site)}`);
  return literal(site);
}

/**
 * Mean power per bucket and role over the range: each channel is averaged over the bucket first, then the
 * channels of a role are added up (averaging all points of a role together would average channels).
 */
export function powerHistoryQuery(site: string, range: Range): string {
  const { duration, bucket } = RANGES[range];
  const where = `"site" = ${siteLiteral(site)} AND time > now() - ${duration} AND ${PLAUSIBLE}`;
  return (
    `SELECT sum("p") AS "power_w" FROM (SELECT mean("power_w") AS "p" FROM "${MEASUREMENT}" WHERE ${where} ` +
    `GROUP BY time(${bucket}), "meter", "channel", "role") WHERE time > now() - ${duration} ` +
    `GROUP BY time(${bucket}), "role" fill(none)`
  );
}

/** The readings of the range left out for an absurd power, per role. */
export function powerOutlierQuery(site: string, range: Range): string {
  return outlierCountQuery(site, `time > now() - ${RANGES[range].duration}`);
}

/** The readings of the days asked for left out for an absurd power, per role. */
export function energyOutlierQuery(site: string, days: number, nowMs: number, timeZone: string): string {
  return outlierCountQuery(site, `time >= ${startOfDays(days, nowMs, timeZone)}ms`);
}

function outlierCountQuery(site: string, time: string): string {
  return (
    `SELECT count("power_w") AS "left_out" FROM "${MEASUREMENT}" WHERE "site" = ${siteLiteral(site)} AND ${time} ` +
    `AND ("power_w" <= -${ABSURD_POWER_W} OR "power_w" >= ${ABSURD_POWER_W}) GROUP BY "role"`
  );
}

function startOfDays(days: number, nowMs: number, timeZone: string): number {
  if (!Number.isInteger(days) || days < 1 || days > MAX_DAYS) throw new RangeError(`invalid day count ${days}`);
  if (!isTimeZone(timeZone)) throw new RangeError(`invalid time zone ${JSON.stringify(timeZone)}`);
  return startOfLocalDay(nowMs, timeZone, days - 1);
}

/**
 * Energy per day and role over the last `days` days (today so far included), days being those of the
 * households' time zone: the time integral of power_w per channel (Wh), added up per role. It works for
 * every meter, including those without an energy index.
 */
export function energyPerDayQuery(site: string, days: number, nowMs: number, timeZone: string): string {
  return energyPerDaySinceQuery(site, startOfDays(days, nowMs, timeZone), timeZone);
}

/** Energy per local day and role from `startMs` (a local midnight) on, as `energyPerDayQuery`. */
export function energyPerDaySinceQuery(site: string, startMs: number, timeZone: string): string {
  if (!Number.isInteger(startMs)) throw new RangeError(`invalid start ${startMs}`);
  if (!isTimeZone(timeZone)) throw new RangeError(`invalid time zone ${JSON.stringify(timeZone)}`);
  const start = `${startMs}ms`;
  const where = `"site" = ${siteLiteral(site)} AND time >= ${start} AND ${PLAUSIBLE}`;
  // Days start at local midnight (DST-aware) with tz(); UTC needs no clause.
  const tz = timeZone === 'UTC' ? '' : ` tz(${literal(timeZone)})`;
  return (
    `SELECT sum("e") AS "energy_wh" FROM (SELECT integral("power_w", 1h) AS "e" FROM "${MEASUREMENT}" WHERE ${where} ` +
    `GROUP BY time(1d), "meter", "channel", "role"${tz}) WHERE time >= ${start} GROUP BY time(1d), "role" ` +
    `fill(none)${tz}`
  );
}

/**
 * The daily rollups of the sites from `startMs` on (measurement `rollup`, docs/energy.md): one row per site,
 * channel and local day with its role, energy each way and cost; grouped by site so that each site's days can
 * be told from those it has no rollups for.
 */
export function rollupDaysQuery(sites: readonly string[], startMs: number): string {
  if (sites.length === 0) throw new RangeError('no site');
  if (!Number.isInteger(startMs)) throw new RangeError(`invalid start ${startMs}`);
  const siteFilter = sites.map((s) => `"site" = ${siteLiteral(s)}`).join(' OR ');
  return (
    `SELECT "role", "energy_import_wh", "energy_export_wh", "cost_currency", "cost_import", "cost_export", ` +
    `"cost_standing", "cost_unknown" FROM "${ROLLUP_MEASUREMENT}" WHERE "interval" = '1d' AND (${siteFilter}) ` +
    `AND time >= ${startMs}ms GROUP BY "site"`
  );
}
