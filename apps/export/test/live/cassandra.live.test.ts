// Runs only when WATTBUS_TEST_CASSANDRA=host[:port] points at a Cassandra 4.0+ node (see vitest.config.ts);
// WATTBUS_TEST_CASSANDRA_DC names its data center (default datacenter1).
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { Reading } from '@wattbus/contract';
import { CassandraSink } from '@wattbus/sinks';
import { type TempDir, tempDir } from '@wattbus/testkit';
import { Client } from 'cassandra-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli.js';

const contactPoint = process.env.WATTBUS_TEST_CASSANDRA as string;
const dc = process.env.WATTBUS_TEST_CASSANDRA_DC ?? 'datacenter1';
const keyspace = `wattbus_export_${process.pid}`;
// across a UTC midnight, so two day partitions per channel are read
const FROM = Date.UTC(2026, 5, 1, 22);
const TO = Date.UTC(2026, 5, 2, 2);

let tmp: TempDir;
let config: string;
const readings: Reading[] = [];

beforeAll(async () => {
  tmp = await tempDir('wattbus-export-cassandra-');
  config = join(tmp.path, 'sink-worker.yaml');
  await writeFile(
    config,
    `sinks:\n  cassandra:\n    contact_points: [${contactPoint}]\n    local_data_center: ${dc}\n    keyspace: ${keyspace}\n    consistency: local_one\n`,
  );
  let seq = 0;
  for (let ts = FROM - 60_000; ts <= TO + 60_000; ts += 60_000) {
    seq++;
    for (const site of ['house-12', 'house-13']) {
      readings.push(
        {
          v: 1,
          site,
          meter: 'main',
          channel: 'grid',
          role: 'grid',
          seq,
          ts,
          values: { power_w: seq * 1.5 - 100, energy_import_wh: 5e5 + seq },
          labels: { tariff: seq % 2 ? 'HP' : 'HC' },
        },
        { v: 1, site, meter: 'pv', channel: 'pv', role: 'production', seq, ts: ts + 3, values: { power_w: -seq } },
      );
    }
  }
  const sink = new CassandraSink({
    contact_points: [contactPoint],
    local_data_center: dc,
    keyspace,
    create_schema: true,
    replication: { class: 'SimpleStrategy', replication_factor: 1 },
    consistency: 'local_one',
    concurrency: 32,
    reconnect_max_ms: 2_000,
  });
  await sink.open();
  await sink.write(readings);
  await sink.close();
}, 120_000);

afterAll(async () => {
  const client = new Client({ contactPoints: [contactPoint], localDataCenter: dc });
  await client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`);
  await client.shutdown();
  await tmp?.cleanup();
});

const expected = () =>
  readings
    .filter((r) => r.site === 'house-12' && r.ts >= FROM && r.ts < TO)
    .flatMap((r) =>
      Object.entries(r.values).map(([quantity, value]) =>
        [
          r.ts,
          r.site,
          r.meter,
          r.channel,
          r.role,
          r.seq,
          quantity,
          value,
          Object.entries(r.labels ?? {})
            .map(([k, v]) => `${k}=${v}`)
            .join(';'),
        ].join(','),
      ),
    )
    .sort();

describe('export from Cassandra (live)', () => {
  const args = (file: string) => [
    '--config',
    config,
    '--site',
    'house-12',
    '--from',
    new Date(FROM).toISOString(),
    '--to',
    new Date(TO).toISOString(),
    '-o',
    join(tmp.path, file),
  ];

  it('CSV holds every value of the site over two day partitions, row by row', async () => {
    const result = await runCli(args('c.csv'));
    expect(result.code, result.stderr).toBe(0);
    const [, ...lines] = (await readFile(join(tmp.path, 'c.csv'), 'utf8')).trimEnd().split('\n');
    // time,ts_ms,site,meter,channel,role,seq,quantity,value,labels → the same fields without `time`
    expect(lines.map((l) => l.split(',').slice(1).join(',')).sort()).toEqual(expected());
  });

  it('Parquet read by DuckDB holds the same rows', async () => {
    const result = await runCli(args('c.parquet'));
    expect(result.code, result.stderr).toBe(0);
    const db = await DuckDBInstance.create(':memory:');
    const connection = await db.connect();
    const rows = await connection.runAndReadAll(
      `SELECT epoch_ms(time) AS ts, site, meter, channel, role, seq, quantity, value, labels FROM read_parquet('${join(tmp.path, 'c.parquet')}')`,
    );
    expect(
      rows
        .getRowObjectsJS()
        .map((r) => Object.values(r).map(String).join(','))
        .sort(),
    ).toEqual(expected());
    connection.closeSync();
  });

  it('an unknown site: exit 3', async () => {
    const result = await runCli([...args('x.csv').slice(0, 2), '--site', 'house-99', ...args('x.csv').slice(4)]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/unknown site house-99/);
  });
});
