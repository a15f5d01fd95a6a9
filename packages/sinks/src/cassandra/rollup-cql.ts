import type { Rollup } from '@wattbus/contract';
import { types } from 'cassandra-driver';
import type { CassandraConfig } from './config.js';
import { dayOfTs } from './cql.js';

/** The site info tag naming the site's group (docs/energy.md's `groups`): its rollups go to `group_rollups` too. */
export const GROUP_TAG = 'group';

// The columns after each table's key: a query reads energy, cost and coverage directly; `rollup` is the whole
// rollup as JSON (periods, power, voltage, sources…), replaced whole like every other cell.
const FIGURES =
  'role text, end timestamp, revision int, readings int, coverage double, energy_import_wh double, energy_export_wh double, cost_currency text, cost_import double, cost_export double, cost_standing double, rollup text';
const FIGURE_NAMES = FIGURES.split(', ').map((c) => c.split(' ')[0]);

/**
 * - `site_rollups`: "a site's days": one partition per site, interval and UTC day of the rollups' start.
 * - `group_rollups`: "a group's days": the same rows of every site whose info tags name a group.
 * `group` is a CQL keyword, hence `site_group`.
 */
export function rollupSchemaStatements(config: CassandraConfig): string[] {
  const ks = config.keyspace;
  return [
    `CREATE TABLE IF NOT EXISTS ${ks}.site_rollups (site text, interval text, day date, start timestamp, meter text, channel text, ${FIGURES}, PRIMARY KEY ((site, interval, day), start, meter, channel))`,
    `CREATE TABLE IF NOT EXISTS ${ks}.group_rollups (site_group text, interval text, day date, start timestamp, site text, meter text, channel text, ${FIGURES}, PRIMARY KEY ((site_group, interval, day), start, site, meter, channel))`,
  ];
}

/**
 * Timestamped with the revision, as readings are with their seq: a newer revision overwrites every cell, an older
 * one written later never wins back, a replay rewrites identical cells. No TTL: rollups are what stays once
 * `ttl_days` has expired the raw readings.
 */
const insert = (table: string, keys: string[]) => {
  const columns = [...keys, ...FIGURE_NAMES];
  return `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')}) USING TIMESTAMP ?`;
};

export const insertSiteRollupCql = (config: CassandraConfig) =>
  insert(`${config.keyspace}.site_rollups`, ['site', 'interval', 'day', 'start', 'meter', 'channel']);

export const insertGroupRollupCql = (config: CassandraConfig) =>
  insert(`${config.keyspace}.group_rollups`, ['site_group', 'interval', 'day', 'start', 'site', 'meter', 'channel']);

/**
 * An unknown figure: unset (nothing written, no tombstone) in a first revision, null in a correction, since an
 * older revision's value must not stay beside the newer's figures.
 */
const figure = (value: number | string | null, r: Rollup) => value ?? (r.revision === 0 ? types.unset : null);

function figures(r: Rollup): unknown[] {
  return [
    r.role,
    new Date(r.end),
    r.revision,
    r.readings,
    r.coverage,
    figure(r.energy_import_wh, r),
    figure(r.energy_export_wh, r),
    figure(r.cost.currency, r),
    figure(r.cost.import, r),
    figure(r.cost.export, r),
    figure(r.cost.standing, r),
    JSON.stringify(r),
    types.Long.fromNumber(r.revision),
  ];
}

/** Bound values in the order of insertSiteRollupCql; the last is the write timestamp (the revision). */
export function siteRollupRow(r: Rollup): unknown[] {
  return [r.site, r.interval, dayOfTs(r.start).date, new Date(r.start), r.meter, r.channel, ...figures(r)];
}

/** Bound values in the order of insertGroupRollupCql. */
export function groupRollupRow(group: string, r: Rollup): unknown[] {
  return [group, r.interval, dayOfTs(r.start).date, new Date(r.start), r.site, r.meter, r.channel, ...figures(r)];
}
