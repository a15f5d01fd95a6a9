import type { Reading } from '@wattbus/contract';
import { types } from 'cassandra-driver';
import type { CassandraConfig } from './config.js';

/** The UTC day of a timestamp, the partition bucket that keeps partitions bounded. */
export const dayOf = (ts: number) => new Date(ts).toISOString().slice(0, 10);

const replicationMap = (r: CassandraConfig['replication']) =>
  r.class === 'SimpleStrategy'
    ? `{'class': 'SimpleStrategy', 'replication_factor': ${r.replication_factor}}`
    : `{'class': 'NetworkTopologyStrategy', ${Object.entries(r.data_centers)
        .map(([dc, n]) => `'${dc.replace(/'/g, "''")}': ${n}`)
        .join(', ')}}`;

/**
 * The schema, created on start when allowed (plain CQL 3.4: Cassandra 4.0–5.0 and ScyllaDB).
 * - `readings`: the raw table (as prior-art 002 kept one): every reading, keyed by (site, meter, channel,
 *   day) and clustered by ts, so a partition holds one channel-day (86,400 rows at 1 s) and replays upsert.
 *   `values` and `labels` are frozen maps: one cell each, replaced whole. Inserting a non-frozen map writes
 *   a collection deletion marker (a tombstone) per map per row first.
 * - `site_power`: query-friendly for dashboards and the portal: one partition per site and day with every
 *   channel's power and energy indexes side by side, newest first.
 */
export function schemaStatements(config: CassandraConfig): string[] {
  const ks = config.keyspace;
  return [
    `CREATE KEYSPACE IF NOT EXISTS ${ks} WITH replication = ${replicationMap(config.replication)}`,
    `CREATE TABLE IF NOT EXISTS ${ks}.readings (site text, meter text, channel text, day date, ts timestamp, role text, seq bigint, values frozen<map<text, double>>, labels frozen<map<text, text>>, PRIMARY KEY ((site, meter, channel, day), ts)) WITH CLUSTERING ORDER BY (ts DESC)`,
    `CREATE TABLE IF NOT EXISTS ${ks}.site_power (site text, day date, ts timestamp, meter text, channel text, role text, power_w double, energy_import_wh double, energy_export_wh double, PRIMARY KEY ((site, day), ts, meter, channel)) WITH CLUSTERING ORDER BY (ts DESC, meter ASC, channel ASC)`,
  ];
}

/**
 * Every write carries its reading's `seq` as the cell timestamp, so Cassandra's last-write-wins keeps the
 * version the agent published last, whatever order the writes reach the replicas in (concurrent requests,
 * two tables, a batch retried, a reading sent again after a crash), and a replay rewrites identical cells.
 */
const using = (config: CassandraConfig) =>
  ` USING TIMESTAMP ?${config.ttl_days ? ` AND TTL ${config.ttl_days * 86_400}` : ''}`;

export function insertReadingCql(config: CassandraConfig): string {
  return `INSERT INTO ${config.keyspace}.readings (site, meter, channel, day, ts, role, seq, values, labels) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)${using(config)}`;
}

export function insertSitePowerCql(config: CassandraConfig): string {
  return `INSERT INTO ${config.keyspace}.site_power (site, day, ts, meter, channel, role, power_w, energy_import_wh, energy_export_wh) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)${using(config)}`;
}

/** A UTC day as the partition bucket: its number since the epoch, its ISO date and the driver's LocalDate. */
export interface Day {
  n: number;
  iso: string;
  date: types.LocalDate;
}
const days = new Map<number, Day>();

/** The UTC day of a timestamp; remembered, since a batch's readings share a few days. */
export function dayOfTs(ts: number): Day {
  const n = Math.floor(ts / 86_400_000);
  let day = days.get(n);
  if (day === undefined) {
    if (days.size > 1_000) days.clear();
    const iso = dayOf(ts);
    day = { n, iso, date: types.LocalDate.fromString(iso) };
    days.set(n, day);
  }
  return day;
}

const NO_LABELS: Readonly<Record<string, string>> = Object.freeze({});

/**
 * Bound values in the order of insertReadingCql, as the driver's types; the last is the write timestamp.
 * Labels are always written (`{}` when none), so a newer version without labels replaces an older one's.
 */
export function readingRow(r: Reading): unknown[] {
  const seq = types.Long.fromNumber(r.seq);
  return [
    r.site,
    r.meter,
    r.channel,
    dayOfTs(r.ts).date,
    new Date(r.ts),
    r.role,
    seq,
    r.values,
    r.labels ?? NO_LABELS,
    seq,
  ];
}

/**
 * Bound values in the order of insertSitePowerCql, or undefined when the reading has no power value. A
 * missing energy index is sent as "unset": nothing is written for it, so no null and no tombstone.
 */
export function sitePowerRow(r: Reading): unknown[] | undefined {
  const power = r.values.power_w;
  if (power === undefined) return undefined;
  const seq = types.Long.fromNumber(r.seq);
  return [
    r.site,
    dayOfTs(r.ts).date,
    new Date(r.ts),
    r.meter,
    r.channel,
    r.role,
    power,
    r.values.energy_import_wh ?? types.unset,
    r.values.energy_export_wh ?? types.unset,
    seq,
  ];
}
