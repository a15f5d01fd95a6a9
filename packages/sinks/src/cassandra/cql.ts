import type { Reading } from '@wattbus/contract';
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
 * The schema, created on start when allowed.
 * - `readings`: the raw table (as prior-art 002 kept one): every reading, keyed by (site, meter, channel,
 *   day) and clustered by ts, so a partition holds one channel-day (86,400 rows at 1 s) and replays upsert.
 * - `site_power`: query-friendly for dashboards and the portal: one partition per site and day with every
 *   channel's power and energy indexes side by side, newest first.
 */
export function schemaStatements(config: CassandraConfig): string[] {
  const ks = config.keyspace;
  return [
    `CREATE KEYSPACE IF NOT EXISTS ${ks} WITH replication = ${replicationMap(config.replication)}`,
    `CREATE TABLE IF NOT EXISTS ${ks}.readings (site text, meter text, channel text, day date, ts timestamp, role text, seq bigint, values map<text, double>, labels map<text, text>, PRIMARY KEY ((site, meter, channel, day), ts)) WITH CLUSTERING ORDER BY (ts DESC)`,
    `CREATE TABLE IF NOT EXISTS ${ks}.site_power (site text, day date, ts timestamp, meter text, channel text, role text, power_w double, energy_import_wh double, energy_export_wh double, PRIMARY KEY ((site, day), ts, meter, channel)) WITH CLUSTERING ORDER BY (ts DESC, meter ASC, channel ASC)`,
  ];
}

const ttl = (config: CassandraConfig) => (config.ttl_days ? ` USING TTL ${config.ttl_days * 86_400}` : '');

export function insertReadingCql(config: CassandraConfig): string {
  return `INSERT INTO ${config.keyspace}.readings (site, meter, channel, day, ts, role, seq, values, labels) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)${ttl(config)}`;
}

export function insertSitePowerCql(config: CassandraConfig): string {
  return `INSERT INTO ${config.keyspace}.site_power (site, day, ts, meter, channel, role, power_w, energy_import_wh, energy_export_wh) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)${ttl(config)}`;
}

/** Values in the order of insertReadingCql; `day`, `ts` and `seq` as the driver's types are made by the caller. */
export function readingParams(
  r: Reading,
): [string, string, string, string, number, string, number, Record<string, number>, Record<string, string>] {
  return [r.site, r.meter, r.channel, dayOf(r.ts), r.ts, r.role, r.seq, r.values, r.labels ?? {}];
}

/** Values in the order of insertSitePowerCql, or undefined when the reading has no power value. */
export function sitePowerParams(
  r: Reading,
): [string, string, number, string, string, string, number, number | null, number | null] | undefined {
  const power = r.values.power_w;
  if (power === undefined) return undefined;
  return [
    r.site,
    dayOf(r.ts),
    r.ts,
    r.meter,
    r.channel,
    r.role,
    power,
    r.values.energy_import_wh ?? null,
    r.values.energy_export_wh ?? null,
  ];
}
