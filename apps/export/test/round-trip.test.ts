import { execFileSync } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import type { Reading } from '@wattbus/contract';
import { InfluxV1Sink } from '@wattbus/sinks';
import { type InfluxdHandle, startInfluxd, type TempDir, tempDir } from '@wattbus/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, sinkWorkerConfig } from './cli.js';

/**
 * Readings written by the real influx sink into a real influxd, exported by the CLI in every format and read
 * back by other tools (zlib, the zstd program, DuckDB for Parquet), compared row by row.
 */

const T0 = Date.UTC(2026, 2, 29, 0, 0, 0); // Brussels changes to summer time at 01:00 UTC that night
const FROM = T0;
const TO = T0 + 3 * 3_600_000;

interface Row {
  ts: number;
  site: string;
  meter: string;
  channel: string;
  role: string;
  seq: number | null;
  quantity: string;
  value: number;
  labels: string;
}

let influxd: InfluxdHandle;
let tmp: TempDir;
let config: string;
const readings: Reading[] = [];

function makeReadings(): Reading[] {
  const out: Reading[] = [];
  let seq = 0;
  // every 90 s over 3 h and a bit, so windows (1 h) are crossed and both ends of the range are tested
  for (let ts = T0 - 90_000; ts <= TO + 90_000; ts += 90_000) {
    seq++;
    for (const site of ['house-12', 'house-13', 'house-14']) {
      out.push({
        v: 1,
        site,
        meter: 'main',
        channel: 'grid',
        role: 'grid',
        seq,
        ts,
        values: { power_w: Math.sin(ts / 1e6) * 1234.5678 + seq / 7, energy_import_wh: 1e6 + seq * 12.25 },
        labels: { tariff: seq % 2 ? 'HP' : 'HC' },
      });
      out.push({
        v: 1,
        site,
        meter: 'sdm630',
        channel: 'l123',
        role: 'consumption',
        seq,
        ts: ts + 7,
        values: {
          voltage_v_l1: 230.1 + (seq % 5),
          voltage_v_l2: 229.9,
          voltage_v_l3: 231 - seq / 1000,
          power_w: -0.001 * seq,
        },
        labels: {},
      });
    }
  }
  return out;
}

/** The rows an export of `sites` (and `quantities`) must hold: one per value of each reading in the range. */
function expected(sites: string[], quantities?: string[]): Row[] {
  return readings
    .filter((r) => sites.includes(r.site) && r.ts >= FROM && r.ts < TO)
    .flatMap((r) =>
      Object.entries(r.values)
        .filter(([q]) => quantities === undefined || quantities.includes(q))
        .map(([quantity, value]) => ({
          ts: r.ts,
          site: r.site,
          meter: r.meter,
          channel: r.channel,
          role: r.role,
          seq: r.seq,
          quantity,
          value: value as number,
          labels: Object.entries(r.labels ?? {})
            .map(([k, v]) => `${k}=${v}`)
            .join(';'),
        })),
    );
}

const key = (r: Row) => `${r.ts}|${r.site}|${r.meter}|${r.channel}|${r.quantity}`;
const sorted = (rows: Row[]) => [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));

function parseCsv(text: string): { header: string; rows: Row[]; times: string[] } {
  const [header = '', ...lines] = text.trimEnd().split('\n');
  const times: string[] = [];
  const rows = lines.map((line) => {
    const [time = '', ts, site, meter, channel, role, seq, quantity, value, labels = ''] = line.split(',');
    times.push(time);
    return {
      ts: Number(ts),
      site: site as string,
      meter: meter as string,
      channel: channel as string,
      role: role as string,
      seq: seq === '' ? null : Number(seq),
      quantity: quantity as string,
      value: Number(value),
      labels,
    };
  });
  return { header, rows, times };
}

function parseJsonl(text: string): Row[] {
  return text
    .trimEnd()
    .split('\n')
    .map((line) => {
      const o = JSON.parse(line) as Row & { time: string; ts_ms: number };
      expect(Date.parse(o.time)).toBe(o.ts_ms);
      return { ...o, ts: o.ts_ms, time: undefined, ts_ms: undefined } as unknown as Row;
    })
    .map(({ ts, site, meter, channel, role, seq, quantity, value, labels }) => ({
      ts,
      site,
      meter,
      channel,
      role,
      seq,
      quantity,
      value,
      labels,
    }));
}

async function exportTo(name: string, ...extra: string[]) {
  const file = join(tmp.path, name);
  const result = await runCli([
    '--config',
    config,
    '--site',
    'house-12,house-13',
    '--from',
    new Date(FROM).toISOString(),
    '--to',
    new Date(TO).toISOString(),
    '-o',
    file,
    ...extra,
  ]);
  expect(result.stderr).toContain('"event":"summary"');
  expect(result.code, result.stderr).toBe(0);
  return { file, bytes: await readFile(file), stderr: result.stderr };
}

beforeAll(async () => {
  influxd = await startInfluxd();
  tmp = await tempDir('wattbus-export-test-');
  config = await sinkWorkerConfig(tmp.path, influxd.url);
  readings.push(...makeReadings());
  const sink = new InfluxV1Sink({
    url: influxd.url,
    database: 'wattbus',
    create_database: true,
    timeout_ms: 10_000,
    site_tags: [],
  });
  await sink.open();
  for (let i = 0; i < readings.length; i += 1000) await sink.write(readings.slice(i, i + 1000));
  await sink.close();
}, 60_000);

afterAll(async () => {
  await influxd?.stop();
  await tmp?.cleanup();
});

describe('round trip through influxd', () => {
  const want = () => sorted(expected(['house-12', 'house-13']));

  it('CSV: every value of every selected reading, nothing else, in time order', async () => {
    const { bytes, stderr } = await exportTo('readings.csv');
    const { header, rows, times } = parseCsv(bytes.toString('utf8'));
    expect(header).toBe('time,ts_ms,site,meter,channel,role,seq,quantity,value,labels');
    expect(rows.length).toBe(want().length);
    expect(sorted(rows)).toEqual(want());
    expect(times.every((t, i) => Date.parse(t) === rows[i]?.ts && t.endsWith('Z'))).toBe(true);
    const ts = rows.map((r) => r.ts);
    expect(ts).toEqual([...ts].sort((a, b) => a - b));
    const summary = JSON.parse(stderr.trim().split('\n').at(-1) as string);
    expect(summary).toMatchObject({ event: 'summary', rows: rows.length, bytes: bytes.length });
  });

  it('CSV gzip and zstd decompress (zlib, the zstd program) to the same rows', async () => {
    const gz = await exportTo('readings.csv.gz');
    expect(sorted(parseCsv(gunzipSync(gz.bytes).toString('utf8')).rows)).toEqual(want());
    const zst = await exportTo('readings.csv.zst');
    const text = execFileSync('zstd', ['-d', '-c', zst.file]).toString('utf8');
    expect(sorted(parseCsv(text).rows)).toEqual(want());
    expect(zst.bytes.length).toBeLessThan(Buffer.byteLength(text) / 3);
  });

  it('JSON lines (plain and gzip) hold the same rows', async () => {
    const plain = await exportTo('readings.jsonl');
    expect(sorted(parseJsonl(plain.bytes.toString('utf8')))).toEqual(want());
    const gz = await exportTo('readings.jsonl.gz');
    expect(sorted(parseJsonl(gunzipSync(gz.bytes).toString('utf8')))).toEqual(want());
  });

  it('Parquet read by DuckDB: typed columns and the same rows', async () => {
    const { file } = await exportTo('readings.parquet');
    const db = await DuckDBInstance.create(':memory:');
    const connection = await db.connect();
    try {
      const types = await connection.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${file}')`);
      expect(Object.fromEntries(types.getRowObjectsJS().map((r) => [r.column_name, r.column_type]))).toEqual({
        time: 'TIMESTAMP WITH TIME ZONE',
        site: 'VARCHAR',
        meter: 'VARCHAR',
        channel: 'VARCHAR',
        role: 'VARCHAR',
        seq: 'BIGINT',
        quantity: 'VARCHAR',
        value: 'DOUBLE',
        labels: 'VARCHAR',
      });
      const result = await connection.runAndReadAll(
        `SELECT epoch_ms(time) AS ts, site, meter, channel, role, seq, quantity, value, labels FROM read_parquet('${file}')`,
      );
      const rows = result.getRowObjectsJS().map((r) => ({ ...r, ts: Number(r.ts), seq: Number(r.seq) })) as Row[];
      expect(rows.length).toBe(want().length);
      expect(sorted(rows)).toEqual(want());
      const meta = await connection.runAndReadAll(
        `SELECT decode(key) AS k, decode(value) AS v FROM parquet_kv_metadata('${file}')`,
      );
      expect(meta.getRowObjectsJS()).toContainEqual({ k: 'wattbus.timezone', v: 'UTC' });
    } finally {
      connection.closeSync();
    }
  });

  it('a group of a portal config selects its sites (CSV to stdout)', async () => {
    const groups = join(tmp.path, 'portal.yaml');
    await writeFile(
      groups,
      'influx: { url: "${INFLUX_URL}" }\ngroups:\n  - { id: tilleuls, caption: T, sites: [house-13] }\n',
    );
    const range = ['--from', new Date(FROM).toISOString(), '--to', new Date(TO).toISOString()];
    const result = await runCli([
      '--config',
      config,
      '--group',
      'tilleuls',
      '--groups',
      groups,
      ...range,
      '--progress',
      'none',
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(sorted(parseCsv(result.stdout.toString('utf8')).rows)).toEqual(sorted(expected(['house-13'])));
  });

  it('to stdout, selected by quantity (voltage = every phase), in a time zone across a DST change', async () => {
    const result = await runCli([
      '--config',
      config,
      '--site',
      'house-12',
      '--quantity',
      'voltage',
      '--timezone',
      'Europe/Brussels',
      '--from',
      '2026-03-29T01:00', // Brussels wall-clock time: 00:00 UTC
      '--to',
      '2026-03-29T05:00', // summer time by then: 03:00 UTC
      '--progress',
      'none',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const { rows, times } = parseCsv(result.stdout.toString('utf8'));
    expect(sorted(rows)).toEqual(sorted(expected(['house-12'], ['voltage_v_l1', 'voltage_v_l2', 'voltage_v_l3'])));
    rows.forEach((r, i) => {
      const time = times[i] as string;
      expect(Date.parse(time)).toBe(r.ts);
      expect(time.endsWith(r.ts < T0 + 3_600_000 ? '+01:00' : '+02:00')).toBe(true);
    });
    expect(times[0]).toBe('2026-03-29T01:00:00.007+01:00');
    expect(await readdir(tmp.path)).not.toContain(expect.stringMatching(/partial/));
  });
});
