import { exampleReading } from '@wattbus/contract';
import { errors, types } from 'cassandra-driver';
import { describe, expect, it } from 'vitest';
import type { CassandraConfig } from './config.js';
import {
  dayOf,
  insertReadingCql,
  insertSitePowerCql,
  readingParams,
  schemaStatements,
  sitePowerParams,
} from './cql.js';
import { toSinkError } from './errors.js';

const config: CassandraConfig = {
  contact_points: ['127.0.0.1'],
  local_data_center: 'dc1',
  keyspace: 'wattbus',
  create_schema: true,
  replication: { class: 'NetworkTopologyStrategy', data_centers: { dc1: 3, dc2: 2 } },
  consistency: 'local_quorum',
  concurrency: 64,
};

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

  it('inserts with bind markers in the column order of the parameters, with an optional TTL', () => {
    expect(insertReadingCql(config)).toBe(
      'INSERT INTO wattbus.readings (site, meter, channel, day, ts, role, seq, values, labels) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    expect(insertSitePowerCql({ ...config, ttl_days: 365 })).toBe(
      'INSERT INTO wattbus.site_power (site, day, ts, meter, channel, role, power_w, energy_import_wh, energy_export_wh) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) USING TTL 31536000',
    );
    const r = exampleReading();
    expect(readingParams(r)).toEqual([
      'house-12',
      'main',
      'grid',
      '2025-11-22',
      r.ts,
      'grid',
      1042,
      r.values,
      { tariff: 'HP' },
    ]);
    expect(sitePowerParams(r)).toEqual(['house-12', '2025-11-22', r.ts, 'main', 'grid', 'grid', 1234.5, 1200345, null]);
    expect(sitePowerParams({ ...r, values: { voltage_v: 230 } })).toBeUndefined();
  });

  it('buckets by UTC day', () => {
    expect(dayOf(Date.UTC(2026, 2, 29, 23, 59, 59, 999))).toBe('2026-03-29');
    expect(dayOf(Date.UTC(2026, 2, 30, 0, 0, 0, 0))).toBe('2026-03-30');
  });

  it('retries everything but statements the cluster refuses', () => {
    expect(
      toSinkError(new errors.ResponseError(types.responseErrorCodes.invalid, 'Undefined column'), 'write').permanent,
    ).toBe(true);
    expect(
      toSinkError(new errors.ResponseError(types.responseErrorCodes.writeTimeout, 'timeout'), 'write').permanent,
    ).toBe(false);
    expect(
      toSinkError(new errors.ResponseError(types.responseErrorCodes.unavailableException, 'unavailable'), 'w')
        .permanent,
    ).toBe(false);
    expect(toSinkError(new errors.NoHostAvailableError({}), 'write')).toMatchObject({
      permanent: false,
      sink: 'cassandra',
    });
  });
});
