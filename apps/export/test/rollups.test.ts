import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { Rollup } from '@wattbus/contract';
import { InfluxV1Sink } from '@wattbus/sinks';
import { type InfluxdHandle, startInfluxd, type TempDir, tempDir } from '@wattbus/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, sinkWorkerConfig } from './cli.js';
import {
  byKey,
  expectedRow,
  makeRollups,
  normalise,
  ROLLUP_COLUMNS,
  ROLLUP_T0,
  type RollupRow,
  rollup,
} from './rollup-fixture.js';

/**
 * Rollups written by the real influx sink (writeRollups, a correction included) into a real influxd, exported with
 * --resolution in every format and read back (DuckDB for CSV and Parquet), compared column by column.
 */

const FROM = ROLLUP_T0;
const TO = ROLLUP_T0 + 2 * 3_600_000;
const QUARTER = 900_000;
/** House-12's fourth quarter hour, first without a price, then corrected (revision 1) once the price came. */
const CORRECTED = rollup('house-12', '15m', FROM + 3 * QUARTER, FROM + 4 * QUARTER, 1, 777.5, true);

let influxd: InfluxdHandle;
let tmp: TempDir;
let config: string;
let written: Rollup[];

beforeAll(async () => {
  influxd = await startInfluxd();
  tmp = await tempDir('wattbus-export-rollups-');
  config = await sinkWorkerConfig(tmp.path, influxd.url);
  const sink = new InfluxV1Sink({
    url: influxd.url,
    database: 'wattbus',
    create_database: true,
    timeout_ms: 10_000,
    site_tags: [],
  });
  await sink.open();
  written = makeRollups();
  await sink.writeRollups(written);
  await sink.writeRollups([CORRECTED]);
  await sink.close();
}, 60_000);

afterAll(async () => {
  await influxd?.stop();
  await tmp?.cleanup();
});

/** The newest revision of each 15 min rollup of the sites. */
function expected(sites: readonly string[], interval = '15m'): RollupRow[] {
  const newest = written.map((r) => (r.key === CORRECTED.key ? CORRECTED : r));
  return byKey(newest.filter((r) => r.interval === interval && sites.includes(r.site)).map(expectedRow));
}

async function exportTo(name: string, ...extra: string[]) {
  const file = join(tmp.path, name);
  const result = await runCli([
    '--config',
    config,
    '--resolution',
    '15m',
    '--from',
    new Date(FROM).toISOString(),
    '--to',
    new Date(TO).toISOString(),
    '--progress',
    'json',
    '-o',
    file,
    ...extra,
  ]);
  expect(result.code, result.stderr).toBe(0);
  return { file, bytes: await readFile(file), stderr: result.stderr };
}

async function duckdb<T>(query: string): Promise<T[]> {
  const db = await DuckDBInstance.create(':memory:');
  const connection = await db.connect();
  try {
    return (await connection.runAndReadAll(query)).getRowObjectsJS() as T[];
  } finally {
    connection.closeSync();
  }
}

describe('rollups through influxd (--resolution)', () => {
  it('CSV: every figure of the newest revision of each 15 min rollup, in time order (read by DuckDB)', async () => {
    const { file, bytes, stderr } = await exportTo('rollups.csv');
    const text = bytes.toString('utf8');
    expect(text.split('\n')[0]).toBe(['time', 'ts_ms', ...ROLLUP_COLUMNS.slice(1)].join(','));
    const rows = await duckdb<Record<string, unknown>>(
      `SELECT * FROM read_csv('${file}', header = true, all_varchar = true)`,
    );
    for (const r of rows) expect(Date.parse(r.time as string)).toBe(Number(r.ts_ms));
    expect(byKey(rows.map(normalise))).toEqual(expected(['house-12', 'house-13']));
    const times = rows.map((r) => Number(r.ts_ms));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const corrected = rows.map(normalise).find((r) => r.site === 'house-12' && r.time === CORRECTED.start);
    expect(corrected).toMatchObject({ revision: 1, energy_import_wh: 777.5, cost_unknown: null, readings: 899 });
    expect(JSON.parse(stderr.trim().split('\n').at(-1) as string)).toMatchObject({ event: 'summary', rows: 16 });
  });

  it('JSON lines: the same rows, periods as a JSON object, absent figures null', async () => {
    const { bytes } = await exportTo('rollups.jsonl');
    const objects = bytes
      .toString('utf8')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(Object.keys(objects[0] as object)).toEqual(['time', 'ts_ms', ...ROLLUP_COLUMNS.slice(1)]);
    expect(objects[0]?.periods).toEqual({ HC: expect.any(Object), HP: expect.any(Object) });
    expect(objects[0]?.energy_export_wh).toBeNull();
    expect(byKey(objects.map(normalise))).toEqual(expected(['house-12', 'house-13']));
  });

  it('Parquet (read by DuckDB): typed columns, the same rows, the resolution in its metadata', async () => {
    const { file } = await exportTo('rollups.parquet', '--site', 'house-13');
    const types = await duckdb<{ column_name: string; column_type: string }>(
      `DESCRIBE SELECT * FROM read_parquet('${file}')`,
    );
    const typeOf = Object.fromEntries(types.map((t) => [t.column_name, t.column_type]));
    expect(Object.keys(typeOf)).toEqual(ROLLUP_COLUMNS);
    expect(typeOf).toMatchObject({
      time: 'TIMESTAMP WITH TIME ZONE',
      end: 'TIMESTAMP WITH TIME ZONE',
      revision: 'BIGINT',
      energy_import_wh: 'DOUBLE',
      periods: 'VARCHAR',
    });
    const rows = await duckdb<Record<string, unknown>>(
      `SELECT * REPLACE (epoch_ms("time") AS "time", epoch_ms("end") AS "end") FROM read_parquet('${file}')`,
    );
    expect(byKey(rows.map(normalise))).toEqual(expected(['house-13']));
    const meta = await duckdb<{ k: string; v: string }>(
      `SELECT decode(key) AS k, decode(value) AS v FROM parquet_kv_metadata('${file}')`,
    );
    expect(meta).toContainEqual({ k: 'wattbus.resolution', v: '15m' });
  });

  it('another interval is its own selection; an unknown site (3) and a range without rollups (3) are refused', async () => {
    const hourly = await runCli([
      '--config',
      config,
      '--resolution',
      '1h',
      '--site',
      'house-12',
      '--from',
      new Date(FROM).toISOString(),
      '--to',
      new Date(TO).toISOString(),
      '--format',
      'jsonl',
      '--progress',
      'none',
    ]);
    expect(hourly.code, hourly.stderr).toBe(0);
    const rows = hourly.stdout
      .toString('utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(byKey(rows.map(normalise))).toEqual(expected(['house-12'], '1h'));

    const range = ['--from', new Date(FROM).toISOString(), '--to', new Date(TO).toISOString()];
    const unknown = await runCli(['--config', config, '--resolution', '1d', '--site', 'house-99', ...range]);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toMatch(/unknown site house-99: the store has no rollups of it/);
    const none = await runCli(['--config', config, '--resolution', '1d', ...range]);
    expect(none.code).toBe(3);
    expect(none.stderr).toMatch(/no 1d rollups from/);
  });
});
