// Runs only when WATTBUS_TEST_CASSANDRA=host[:port] points at a Cassandra 4.0+ node (see vitest.config.ts);
// WATTBUS_TEST_CASSANDRA_DC names its data center (default datacenter1).
import { exampleReading, type Reading, type Rollup } from '@wattbus/contract';
import { Client } from 'cassandra-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CassandraSink } from '../../src/cassandra/cassandra-sink.js';
import type { CassandraConfig } from '../../src/cassandra/config.js';
import { rollup, sinkSuite } from '../sink-suite.js';

const contactPoint = process.env.WATTBUS_TEST_CASSANDRA as string;
const dc = process.env.WATTBUS_TEST_CASSANDRA_DC ?? 'datacenter1';
let run = 0;

sinkSuite('cassandra (live server)', async () => {
  const keyspace = `wattbus_test_${process.pid}_${++run}`;
  const config: CassandraConfig = {
    contact_points: [contactPoint],
    local_data_center: dc,
    keyspace,
    create_schema: true,
    replication: { class: 'SimpleStrategy', replication_factor: 1 },
    consistency: 'local_one',
    concurrency: 32,
    reconnect_max_ms: 2_000,
  };
  const client = new Client({ contactPoints: [contactPoint], localDataCenter: dc });
  return {
    sink: new CassandraSink(config),
    idempotent: true,
    readRollups: async () =>
      (await client.execute(`SELECT * FROM ${keyspace}.site_rollups`)).rows.map((row) => ({
        key: `${row.site}/${row.meter}/${row.channel}/${row.interval}/${(row.start as Date).getTime()}`,
        revision: row.revision as number,
        energy_import_wh: row.energy_import_wh as number | null,
        coverage: row.coverage as number,
      })),
    readBack: async () => {
      const rows = (await client.execute(`SELECT * FROM ${keyspace}.readings`)).rows;
      return rows.map((row) => {
        const r: Reading = {
          v: 1,
          site: row.site,
          meter: row.meter,
          channel: row.channel,
          role: row.role as Reading['role'],
          seq: Number(row.seq),
          ts: (row.ts as Date).getTime(),
          values: row.get('values') as Record<string, number>,
        };
        const labels = row.get('labels') as Record<string, string> | null;
        if (labels && Object.keys(labels).length > 0) r.labels = labels;
        return r;
      });
    },
    cleanup: async () => {
      await client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`);
      await client.shutdown();
    },
  };
});

describe('cassandra sink on a live server', () => {
  const keyspace = `wattbus_test_${process.pid}_versions`;
  const client = new Client({ contactPoints: [contactPoint], localDataCenter: dc });
  const sink = new CassandraSink({
    contact_points: [contactPoint],
    local_data_center: dc,
    keyspace,
    create_schema: true,
    replication: { class: 'SimpleStrategy', replication_factor: 1 },
    consistency: 'local_one',
    concurrency: 64,
    reconnect_max_ms: 2_000,
  });
  beforeAll(() => sink.open());
  afterAll(async () => {
    await sink.close();
    await client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`);
    await client.shutdown();
  });

  const version = (key: number, seq: number, power: number, labels?: Record<string, string>): Reading => ({
    ...exampleReading(),
    channel: `ch${key % 5}`,
    ts: Date.UTC(2026, 1, 1) + key * 1000,
    seq,
    values: { power_w: power, energy_import_wh: power * 10 },
    labels,
  });
  const stored = async (table: 'readings' | 'site_power', column: string) => {
    const rows = (await client.execute(`SELECT ts, ${column} FROM ${keyspace}.${table}`, [], { fetchSize: 10_000 }))
      .rows;
    return new Map(rows.map((r) => [(r.get('ts') as Date).getTime(), r.get(column)]));
  };

  it('keeps the last version of each key in both tables, and a version sent again never wins back', async () => {
    // 50 keys with a newer seq, then 50 with an equal seq, each older version first in one batch
    const keys = Array.from({ length: 100 }, (_, k) => k);
    const older = keys.map((k) => version(k, 1_000 + k, 1, { tariff: 'HP' }));
    const newer = keys.map((k) => version(k, k < 50 ? 2_000 + k : 1_000 + k, 2));
    await sink.write([...older, ...newer]);
    // the agent sends the older versions again (their PUBACKs were lost, say): the newer versions stay
    await sink.write(older.slice(0, 50));
    const power = await stored('site_power', 'power_w');
    const values = await stored('readings', 'values');
    const labels = await stored('readings', 'labels');
    expect(values.size).toBe(100);
    expect(power.size).toBe(100);
    for (const r of newer) {
      expect(values.get(r.ts), `readings ${r.ts}`).toEqual({ power_w: 2, energy_import_wh: 20 });
      expect(power.get(r.ts), `site_power ${r.ts}`).toBe(2);
      expect(labels.get(r.ts) ?? {}, `labels ${r.ts}`).toEqual({});
    }
  });

  it('creates values and labels as frozen maps, which inserts overwrite without a tombstone', async () => {
    const rows = (
      await client.execute(
        "SELECT column_name, type FROM system_schema.columns WHERE keyspace_name = ? AND table_name = 'readings'",
        [keyspace],
      )
    ).rows;
    const types = Object.fromEntries(rows.map((r) => [r.get('column_name'), r.get('type')]));
    expect(types).toMatchObject({ values: 'frozen<map<text, double>>', labels: 'frozen<map<text, text>>' });
  });
});

describe('cassandra rollups on a live server', () => {
  const keyspace = `wattbus_test_${process.pid}_rollups`;
  const client = new Client({ contactPoints: [contactPoint], localDataCenter: dc });
  const groups: Record<string, Record<string, string>> = { 'house-1': { group: 'coop-a', city: 'Liège' } };
  const sink = new CassandraSink(
    {
      contact_points: [contactPoint],
      local_data_center: dc,
      keyspace,
      create_schema: true,
      replication: { class: 'SimpleStrategy', replication_factor: 1 },
      consistency: 'local_one',
      concurrency: 8,
      reconnect_max_ms: 2_000,
    },
    { siteTags: (site) => groups[site] ?? {} },
  );
  beforeAll(() => sink.open());
  afterAll(async () => {
    await sink.close();
    await client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`);
    await client.shutdown();
  });

  const ofSite = (site: string, r: Rollup): Rollup => ({ ...r, site, key: r.key.replace('house-1', site) });
  const rows = async (table: 'site_rollups' | 'group_rollups', columns: string) =>
    (await client.execute(`SELECT ${columns} FROM ${keyspace}.${table}`)).rows.map((r) =>
      Object.fromEntries(columns.split(', ').map((c) => [c, r.get(c)])),
    );

  it("writes a site's rollups to its group's days too; a correction's unknowns replace the older figures", async () => {
    await sink.writeRollups([rollup(0, 0, 150), ofSite('house-2', rollup(0, 0, 80))]);
    await sink.writeRollups([rollup(0, 1, null)]);
    await sink.writeRollups([rollup(0, 0, 150)]); // the older revision again: it never wins back
    const columns = 'site, revision, energy_import_wh, cost_import, cost_currency, coverage';
    const site = await rows('site_rollups', columns);
    expect(site.sort((a, b) => String(a.site).localeCompare(String(b.site)))).toEqual([
      { site: 'house-1', revision: 1, energy_import_wh: null, cost_import: null, cost_currency: 'EUR', coverage: 0 },
      { site: 'house-2', revision: 0, energy_import_wh: 80, cost_import: 0.02, cost_currency: 'EUR', coverage: 0.5 },
    ]);
    expect(await rows('group_rollups', `site_group, ${columns}`)).toEqual([
      {
        site_group: 'coop-a',
        site: 'house-1',
        revision: 1,
        energy_import_wh: null,
        cost_import: null,
        cost_currency: 'EUR',
        coverage: 0,
      },
    ]);
    const [stored] = (
      await client.execute(`SELECT rollup FROM ${keyspace}.site_rollups WHERE site = 'house-1' ALLOW FILTERING`)
    ).rows;
    expect(JSON.parse(stored?.get('rollup'))).toEqual(rollup(0, 1, null));
  });
});
