// Runs only when WATTBUS_TEST_CASSANDRA=host[:port] points at a Cassandra 4.0+ node (see vitest.config.ts);
// WATTBUS_TEST_CASSANDRA_DC names its data center (default datacenter1).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Rollup } from '@wattbus/contract';
import { CassandraSink } from '@wattbus/sinks';
import { type TempDir, tempDir } from '@wattbus/testkit';
import { Client } from 'cassandra-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli.js';
import { byKey, expectedRow, makeRollups, normalise, ROLLUP_T0, rollup } from '../rollup-fixture.js';

const contactPoint = process.env.WATTBUS_TEST_CASSANDRA as string;
const dc = process.env.WATTBUS_TEST_CASSANDRA_DC ?? 'datacenter1';
const keyspace = `wattbus_export_rollups_${process.pid}`;
// 23:00 to 01:00 UTC: each site's rollups are in two day partitions of site_rollups
const FROM = ROLLUP_T0;
const TO = ROLLUP_T0 + 2 * 3_600_000;
const QUARTER = 900_000;
const CORRECTED = rollup('house-12', '15m', FROM + 3 * QUARTER, FROM + 4 * QUARTER, 1, 777.5, true);

let tmp: TempDir;
let config: string;
let written: Rollup[];

beforeAll(async () => {
  tmp = await tempDir('wattbus-export-cassandra-rollups-');
  config = join(tmp.path, 'sink-worker.yaml');
  await writeFile(
    config,
    `sinks:\n  cassandra:\n    contact_points: [${contactPoint}]\n    local_data_center: ${dc}\n    keyspace: ${keyspace}\n    consistency: local_one\n`,
  );
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
  written = makeRollups();
  await sink.writeRollups(written);
  await sink.writeRollups([CORRECTED]);
  // a replay of the first revision after the correction: the newest revision must stay
  await sink.writeRollups([written.find((r) => r.key === CORRECTED.key) as Rollup]);
  await sink.close();
}, 120_000);

afterAll(async () => {
  const client = new Client({ contactPoints: [contactPoint], localDataCenter: dc });
  await client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`);
  await client.shutdown();
  await tmp?.cleanup();
});

const expected = (sites: readonly string[], interval: string) =>
  byKey(
    written
      .map((r) => (r.key === CORRECTED.key ? CORRECTED : r))
      .filter((r) => r.interval === interval && sites.includes(r.site))
      .map(expectedRow),
  );

async function exportRollups(interval: string, ...extra: string[]) {
  const result = await runCli([
    '--config',
    config,
    '--resolution',
    interval,
    '--from',
    new Date(FROM).toISOString(),
    '--to',
    new Date(TO).toISOString(),
    '--format',
    'jsonl',
    '--progress',
    'none',
    ...extra,
  ]);
  expect(result.code, result.stderr).toBe(0);
  return result.stdout
    .toString('utf8')
    .trimEnd()
    .split('\n')
    .map((line) => normalise(JSON.parse(line)));
}

describe('rollups from a live Cassandra (site_rollups)', () => {
  it('every 15 min rollup of every site, the newest revision even when an older one was written after it', async () => {
    const rows = await exportRollups('15m');
    expect(byKey(rows)).toEqual(expected(['house-12', 'house-13'], '15m'));
    expect(rows.find((r) => r.time === CORRECTED.start && r.site === 'house-12')).toMatchObject({
      revision: 1,
      energy_import_wh: 777.5,
      cost_unknown: null,
    });
  });

  it('one site, another interval, across two UTC days; an unknown site is refused (3)', async () => {
    expect(byKey(await exportRollups('1h', '--site', 'house-13'))).toEqual(expected(['house-13'], '1h'));
    const unknown = await runCli([
      '--config',
      config,
      '--resolution',
      '1h',
      '--site',
      'house-99',
      '--from',
      new Date(FROM).toISOString(),
      '--to',
      new Date(TO).toISOString(),
    ]);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toMatch(/the store has no rollups of it/);
  });
});
