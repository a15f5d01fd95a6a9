// Runs only when WATTBUS_TEST_INFLUX2=<url> points at an InfluxDB 2.x server (see vitest.config.ts), with
// WATTBUS_TEST_INFLUX2_ORG, WATTBUS_TEST_INFLUX2_BUCKET and WATTBUS_TEST_INFLUX2_TOKEN (an all-access token:
// the test deletes the readings of its range), as packages/sinks' live test.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Reading } from '@wattbus/contract';
import { InfluxV2Sink } from '@wattbus/sinks';
import { type TempDir, tempDir } from '@wattbus/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli.js';

const url = process.env.WATTBUS_TEST_INFLUX2 as string;
const org = process.env.WATTBUS_TEST_INFLUX2_ORG ?? 'wattbus';
const bucket = process.env.WATTBUS_TEST_INFLUX2_BUCKET ?? 'wattbus-test';
const token = process.env.WATTBUS_TEST_INFLUX2_TOKEN ?? '';
const FROM = Date.UTC(2026, 6, 1, 10);
const TO = Date.UTC(2026, 6, 1, 12, 30);

let tmp: TempDir;
let config: string;
const readings: Reading[] = [];

async function deleteRange(): Promise<void> {
  const res = await fetch(`${url}/api/v2/delete?org=${encodeURIComponent(org)}&bucket=${encodeURIComponent(bucket)}`, {
    method: 'POST',
    headers: { authorization: `Token ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      start: new Date(FROM - 3_600_000).toISOString(),
      stop: new Date(TO + 3_600_000).toISOString(),
      predicate: '_measurement="reading"',
    }),
  });
  if (!res.ok) throw new Error(`delete failed: HTTP ${res.status} ${await res.text()}`);
}

beforeAll(async () => {
  await deleteRange();
  tmp = await tempDir('wattbus-export-influx2-');
  config = join(tmp.path, 'sink-worker.yaml');
  await writeFile(
    config,
    `sinks:\n  influx2: { url: '${url}', org: '${org}', bucket: '${bucket}', token: '${token}' }\n`,
  );
  let seq = 0;
  for (let ts = FROM - 60_000; ts <= TO + 60_000; ts += 60_000) {
    seq++;
    readings.push({
      v: 1,
      site: 'house-12',
      meter: 'main',
      channel: 'grid',
      role: 'grid',
      seq,
      ts,
      values: { power_w: seq / 3, voltage_v_l1: 230 + seq / 100 },
      labels: { tariff: 'HP' },
    });
  }
  const sink = new InfluxV2Sink({ url, org, bucket, token, timeout_ms: 10_000, site_tags: [] });
  await sink.open();
  await sink.write(readings);
  await sink.close();
}, 60_000);

afterAll(async () => {
  await deleteRange();
  await tmp?.cleanup();
});

describe('export from InfluxDB 2 through Flux (live)', () => {
  it('CSV holds every value in the range, in time order, row by row', async () => {
    const file = join(tmp.path, 'x.csv');
    const result = await runCli([
      '--config',
      config,
      '--site',
      'house-12',
      '--from',
      new Date(FROM).toISOString(),
      '--to',
      new Date(TO).toISOString(),
      '-o',
      file,
    ]);
    expect(result.code, result.stderr).toBe(0);
    const [, ...lines] = (await readFile(file, 'utf8')).trimEnd().split('\n');
    const want = readings
      .filter((r) => r.ts >= FROM && r.ts < TO)
      .flatMap((r) =>
        Object.entries(r.values).map(([q, v]) => `${r.ts},house-12,main,grid,grid,${r.seq},${q},${v},tariff=HP`),
      );
    expect(lines.map((l) => l.split(',').slice(1).join(',')).sort()).toEqual(want.sort());
    const ts = lines.map((l) => Number(l.split(',')[1]));
    expect(ts).toEqual([...ts].sort((a, b) => a - b));
  });
});
