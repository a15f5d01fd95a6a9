import { existsSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { toLines } from '@wattbus/sinks';
import { freePort, type InfluxdHandle, startInfluxd, type TempDir, tempDir } from '@wattbus/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, sinkWorkerConfig } from './cli.js';

/** Every refusal is one clear line on stderr, a documented exit code, and no file (partial or not). */

const T0 = Date.UTC(2026, 0, 10);
let influxd: InfluxdHandle;
let tmp: TempDir;
let config: string;

beforeAll(async () => {
  influxd = await startInfluxd();
  tmp = await tempDir('wattbus-export-bad-');
  config = await sinkWorkerConfig(tmp.path, influxd.url);
  await influxd.createDatabase('wattbus');
  const readings = Array.from({ length: 10 }, (_, i) => ({
    v: 1 as const,
    site: 'house-12',
    meter: 'main',
    channel: 'grid',
    role: 'grid' as const,
    seq: i,
    ts: T0 + i * 60_000,
    values: { power_w: i },
  }));
  await influxd.write('wattbus', toLines(readings), 'ms');
}, 60_000);

afterAll(async () => {
  await influxd?.stop();
  await tmp?.cleanup();
});

async function refused(args: string[], code: number, message: RegExp, configFile = () => config) {
  const output = join(tmp.path, `out-${code}-${Math.random().toString(36).slice(2)}.csv`);
  const result = await runCli(['--config', configFile(), '--progress', 'json', '-o', output, ...args]);
  expect(result.code, result.stderr).toBe(code);
  expect(result.stderr).toMatch(message);
  expect(result.stderr.split('\n').filter((l) => l.startsWith('wattbus-export:'))).toHaveLength(1);
  expect(existsSync(output)).toBe(false);
  expect((await readdir(tmp.path)).filter((f) => f.includes('partial'))).toEqual([]);
}

const DAY = ['--from', '2026-01-10', '--to', '2026-01-11'];

describe('refused with a clear error and exit code, and no file', () => {
  it('an unknown site (3)', () =>
    refused(
      ['--site', 'house-99', ...DAY],
      3,
      /wattbus-export: unknown site house-99: the store has no readings of it/,
    ));

  it('a range without readings (3)', () =>
    refused(
      ['--site', 'house-12', '--from', '2025-01-01', '--to', '2025-02-01'],
      3,
      /no readings from 2025-01-01T00:00:00.000Z to 2025-02-01T00:00:00.000Z/,
    ));

  it('a range that ends before it starts (2), or is empty (2)', async () => {
    await refused(['--from', '2026-01-11', '--to', '2026-01-10'], 2, /the range ends before it starts/);
    await refused(['--from', '2026-01-10', '--to', '2026-01-10'], 2, /the range is empty/);
  });

  it('an unknown quantity (2), an unknown resolution or a quantity of rollups (2), a bad time or zone (2)', async () => {
    await refused(['--quantity', 'powr_w', ...DAY], 2, /unknown quantity "powr_w"/);
    await refused(['--resolution', '5m', ...DAY], 2, /--resolution/);
    await refused(['--resolution', '15m', '--quantity', 'power_w', ...DAY], 2, /--quantity selects raw readings/);
    await refused(['--from', 'yesterday', '--to', '2026-01-11'], 2, /--from: "yesterday" is not a time/);
    await refused(['--timezone', 'Mars/Olympus', ...DAY], 2, /unknown time zone "Mars\/Olympus"/);
    await refused(['--format', 'parquet', '--compress', 'gzip', ...DAY], 2, /Parquet compresses its pages itself/);
  });

  it('a store that is down (1)', async () => {
    const down = await sinkWorkerConfig(
      await tempDir('wattbus-export-down-').then((d) => d.path),
      `http://127.0.0.1:${await freePort()}`,
    );
    await refused(DAY, 1, /cannot reach InfluxDB at http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED/, () => down);
  });

  it('a Cassandra that is down (1), through the real cassandra-driver', async () => {
    const file = join(tmp.path, 'cassandra.yaml');
    await writeFile(file, `sinks:\n  cassandra:\n    contact_points: ['127.0.0.1:${await freePort()}']\n`);
    await refused(DAY, 1, /cannot reach Cassandra at 127\.0\.0\.1:\d+: All host\(s\) tried/, () => file);
  });

  it('an InfluxDB 2 that is down (1), through @influxdata/influxdb-client', async () => {
    const file = join(tmp.path, 'influx2.yaml');
    const url = `http://127.0.0.1:${await freePort()}`;
    await writeFile(file, `sinks:\n  influx2: { url: '${url}', org: o, bucket: b, token: t }\n`);
    await refused(DAY, 1, /InfluxDB 2 at http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED/, () => file);
  });

  it('an unknown group (3) and a config without a store (2)', async () => {
    const groups = join(tmp.path, 'portal.yaml');
    await writeFile(groups, 'groups:\n  - { id: tilleuls, caption: Tilleuls, sites: [house-12] }\n');
    await refused(['--group', 'nope', '--groups', groups, ...DAY], 3, /unknown group "nope" in .* \(known: tilleuls\)/);
    await refused(DAY, 2, /cannot read config/, () => join(tmp.path, 'missing.yaml'));
  });
});

/** Three days of one reading a second of `site`: an export of it takes seconds, long enough to cut. */
async function writeLongSeries(into: InfluxdHandle, site: string) {
  const lines: string[] = [];
  for (let i = 0; i < 200_000; i++) {
    lines.push(`reading,site=${site},meter=main,channel=grid,role=grid power_w=${i},seq=${i}i ${T0 + i * 1000}`);
  }
  for (let i = 0; i < lines.length; i += 20_000)
    await into.write('wattbus', lines.slice(i, i + 20_000).join('\n'), 'ms');
}

describe('an interrupted run', () => {
  it('SIGINT leaves no file, partial or final, and exits 130', async () => {
    await writeLongSeries(influxd, 'house-13');
    const output = join(tmp.path, 'interrupted.jsonl');
    let sent = false;
    const result = await runCli(
      [
        '--config',
        config,
        '--site',
        'house-13',
        '--from',
        '2026-01-10',
        '--to',
        '2026-01-13',
        '--progress',
        'json',
        '-o',
        output,
      ],
      {
        // interrupt once some of it is written: the partial file exists then
        onStderr: (text, child) => {
          if (!sent && text.includes('"event":"progress"')) {
            sent = true;
            child.kill('SIGINT');
          }
        },
      },
    );
    expect(sent).toBe(true);
    expect(result.code, result.stderr).toBe(130);
    expect(result.stderr).toMatch(/wattbus-export: interrupted by SIGINT: no file written/);
    expect(existsSync(output)).toBe(false);
    expect((await readdir(tmp.path)).filter((f) => f.includes('partial'))).toEqual([]);
  });

  it('a store that fails mid-export leaves no file either, and exits 1', async () => {
    const own = await startInfluxd();
    try {
      await own.createDatabase('wattbus');
      await writeLongSeries(own, 'house-15');
      const ownConfig = await sinkWorkerConfig((await tempDir('wattbus-export-cut-')).path, own.url);
      const output = join(tmp.path, 'cut.csv');
      let stopped: Promise<unknown> | undefined;
      const result = await runCli(
        [
          '--config',
          ownConfig,
          '--site',
          'house-15',
          '--from',
          '2026-01-10',
          '--to',
          '2026-01-13',
          '--progress',
          'json',
          '-o',
          output,
        ],
        {
          onStderr: (text) => {
            if (stopped === undefined && text.includes('"event":"progress"')) stopped = own.stop();
          },
        },
      );
      await stopped;
      expect(stopped).toBeDefined();
      expect(result.code, result.stderr).toBe(1);
      expect(result.stderr).toMatch(
        /wattbus-export: (InfluxDB: query engine shutdown|InfluxDB at .* cut its answer|cannot reach InfluxDB)/,
      );
      expect(existsSync(output)).toBe(false);
      expect((await readdir(tmp.path)).filter((f) => f.includes('partial'))).toEqual([]);
    } finally {
      await own.stop();
    }
  });
});
