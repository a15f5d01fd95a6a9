import { types } from 'cassandra-driver';
import { describe, expect, it } from 'vitest';
import { testConfig as config } from '../../test/cassandra-config.js';
import { rollup } from '../../test/sink-suite.js';
import {
  groupRollupRow,
  insertGroupRollupCql,
  insertSiteRollupCql,
  rollupSchemaStatements,
  siteRollupRow,
} from './rollup-cql.js';

describe('Cassandra rollup CQL', () => {
  it("keys a site's days and a group's days by interval and UTC day, clustered by start", () => {
    const [site, group] = rollupSchemaStatements(config);
    expect(site).toMatch(/^CREATE TABLE IF NOT EXISTS wattbus\.site_rollups \(/);
    expect(site).toContain('PRIMARY KEY ((site, interval, day), start, meter, channel))');
    expect(group).toMatch(/^CREATE TABLE IF NOT EXISTS wattbus\.group_rollups \(/);
    expect(group).toContain('PRIMARY KEY ((site_group, interval, day), start, site, meter, channel))');
  });

  it('timestamps every insert with a bound value and no TTL, whatever ttl_days says', () => {
    const site = insertSiteRollupCql({ ...config, ttl_days: 30 });
    expect(site).toMatch(/^INSERT INTO wattbus\.site_rollups \(site, interval, day, start, meter, channel, role, /);
    expect(site).toMatch(/\) USING TIMESTAMP \?$/);
    expect(insertGroupRollupCql(config)).toMatch(/^INSERT INTO wattbus\.group_rollups \(site_group, interval, /);
    for (const cql of [site, insertGroupRollupCql(config)]) {
      const columns = (cql.match(/\(([^)]*)\) VALUES/)?.[1] ?? '').split(', ');
      expect(cql.split('?').length - 1).toBe(columns.length + 1);
    }
  });

  it('binds the revision as the write timestamp, the whole rollup as JSON, and the key columns first', () => {
    const r = rollup(2, 3, 150);
    const row = siteRollupRow(r);
    expect(row.slice(0, 6)).toEqual([
      'house-1',
      '15m',
      types.LocalDate.fromString('2026-01-13'),
      new Date(r.start),
      'main',
      'grid',
    ]);
    expect(row.at(-1)).toEqual(types.Long.fromNumber(3));
    expect(JSON.parse(row.at(-2) as string)).toEqual(r);
    expect(row.length).toBe(insertSiteRollupCql(config).split('?').length - 1);
    const grouped = groupRollupRow('coop-a', r);
    expect(grouped.slice(0, 7)).toEqual(['coop-a', '15m', row[2], row[3], 'house-1', 'main', 'grid']);
    expect(grouped.slice(7)).toEqual(row.slice(6));
  });

  it('leaves an unknown figure unset in a first revision (no tombstone), and nulls it in a correction', () => {
    const first = siteRollupRow(rollup(0, 0, null));
    const correction = siteRollupRow(rollup(0, 1, null));
    const unknowns = (row: unknown[]) => row.filter((v) => v === types.unset || v === null);
    expect(unknowns(first)).toEqual([types.unset, types.unset, types.unset, types.unset]);
    expect(unknowns(correction)).toEqual([null, null, null, null]);
  });
});
