import { exampleReading } from '@wattbus/contract';
import { types } from 'cassandra-driver';
import { describe, expect, it } from 'vitest';
import { testConfig } from '../../test/cassandra-config.js';
import { dayOf, insertReadingCql, insertSitePowerCql, readingRow, schemaStatements, sitePowerRow } from './cql.js';

const config = testConfig;

describe('Cassandra CQL', () => {
  it('creates the keyspace with the configured replication, and both tables', () => {
    const [keyspace, readings, sitePower] = schemaStatements(config);
    expect(keyspace).toBe(
      "CREATE KEYSPACE IF NOT EXISTS wattbus WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 3, 'dc2': 2}",
    );
    expect(schemaStatements({ ...config, replication: { class: 'SimpleStrategy', replication_factor: 1 } })[0]).toBe(
      "CREATE KEYSPACE IF NOT EXISTS wattbus WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
    );
    // a partition is one channel-day: bounded, and a replayed reading upserts the same row
    expect(readings).toContain('PRIMARY KEY ((site, meter, channel, day), ts)) WITH CLUSTERING ORDER BY (ts DESC)');
    expect(sitePower).toContain('PRIMARY KEY ((site, day), ts, meter, channel))');
  });

  it('keeps values and labels in frozen maps: an insert into a non-frozen map writes a tombstone first', () => {
    const [, readings] = schemaStatements(config);
    expect(readings).toContain('values frozen<map<text, double>>, labels frozen<map<text, text>>');
    expect(schemaStatements(config).join(' ')).not.toMatch(/[^<]map</);
  });

  it('timestamps every insert with a bound value, before the optional TTL', () => {
    expect(insertReadingCql(config)).toBe(
      'INSERT INTO wattbus.readings (site, meter, channel, day, ts, role, seq, values, labels) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) USING TIMESTAMP ?',
    );
    expect(insertSitePowerCql({ ...config, ttl_days: 365 })).toBe(
      'INSERT INTO wattbus.site_power (site, day, ts, meter, channel, role, power_w, energy_import_wh, energy_export_wh) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) USING TIMESTAMP ? AND TTL 31536000',
    );
  });

  it("binds each column as the driver's type, and the reading's seq as the write timestamp", () => {
    const r = exampleReading();
    const row = readingRow(r);
    expect(row).toEqual([
      'house-12',
      'main',
      'grid',
      types.LocalDate.fromString('2025-11-22'),
      new Date(r.ts),
      'grid',
      types.Long.fromNumber(1042),
      r.values,
      { tariff: 'HP' },
      types.Long.fromNumber(1042),
    ]);
    expect(readingRow({ ...r, labels: undefined })[8]).toEqual({});
    expect(sitePowerRow(r)).toEqual([
      'house-12',
      types.LocalDate.fromString('2025-11-22'),
      new Date(r.ts),
      'main',
      'grid',
      'grid',
      1234.5,
      1200345,
      types.unset, // no energy_export_wh: nothing written, not a null (a tombstone)
      types.Long.fromNumber(1042),
    ]);
    expect(sitePowerRow({ ...r, values: { voltage_v: 230 } })).toBeUndefined();
  });

  it('buckets by UTC day', () => {
    expect(dayOf(Date.UTC(2026, 2, 29, 23, 59, 59, 999))).toBe('2026-03-29');
    expect(dayOf(Date.UTC(2026, 2, 30, 0, 0, 0, 0))).toBe('2026-03-30');
  });
});
