import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Reading } from '@wattbus/contract';
import { tempDir } from '@wattbus/testkit';
import { expect, it } from 'vitest';
import { DailyFileSink, fileNameFor } from '../src/file/daily-file-sink.js';
import { sinkSuite } from './sink-suite.js';

async function readAll(dir: string): Promise<Reading[]> {
  const out: Reading[] = [];
  for (const f of (await readdir(dir)).filter((n) => n.endsWith('.jsonl')).sort()) {
    const text = await readFile(join(dir, f), 'utf8');
    for (const line of text.split('\n').filter(Boolean)) out.push(JSON.parse(line) as Reading);
  }
  return out;
}

sinkSuite('file', async () => {
  const dir = await tempDir('wattbus-file-sink-');
  const path = join(dir.path, 'out');
  return {
    sink: new DailyFileSink({ dir: path, formats: ['jsonl'], fsync: true }),
    readBack: () => readAll(path),
    idempotent: false,
    readRollups: async () => {
      const files = (await readdir(path).catch(() => [] as string[])).filter((f) => f.startsWith('rollups-')).sort();
      const lines = await Promise.all(files.map((f) => readFile(join(path, f), 'utf8')));
      return lines
        .flatMap((text) => text.split('\n').filter(Boolean))
        .map((line) => {
          const { key, revision, energy_import_wh, coverage } = JSON.parse(line);
          return { key, revision, energy_import_wh, coverage };
        });
    },
    cleanup: dir.cleanup,
  };
});

it('writes one file per UTC day of the readings', async () => {
  const dir = await tempDir('wattbus-file-sink-');
  const sink = new DailyFileSink({ dir: dir.path, formats: ['jsonl'], fsync: false });
  await sink.open();
  const base = { v: 1, site: 's', meter: 'm', channel: 'c', role: 'grid', seq: 1, values: { power_w: 1 } } as const;
  await sink.write([
    { ...base, ts: Date.UTC(2026, 10, 22, 23, 59, 59, 999) },
    { ...base, ts: Date.UTC(2026, 10, 23, 0, 0, 0, 0) },
  ]);
  expect((await readdir(dir.path)).sort()).toEqual(['readings-2026-11-22.jsonl', 'readings-2026-11-23.jsonl']);
  expect(fileNameFor(Date.UTC(2026, 0, 1))).toBe('readings-2026-01-01.jsonl');
  await dir.cleanup();
});

it('writes CSV beside JSON lines: a header once per file, one row per value, fields quoted when needed', async () => {
  const dir = await tempDir('wattbus-file-sink-');
  const sink = new DailyFileSink({ dir: dir.path, formats: ['jsonl', 'csv'], fsync: false });
  await sink.open();
  const r = {
    v: 1,
    site: 'house-12',
    meter: 'main',
    channel: 'grid',
    role: 'grid',
    seq: 7,
    ts: Date.UTC(2026, 10, 23, 12, 0, 0, 250),
    values: { power_w: -512.5, energy_import_wh: 1200345 },
    labels: { tariff: 'HC, off-peak' },
  } as const;
  await sink.write([r]);
  await sink.write([{ ...r, seq: 8, ts: r.ts + 1000, labels: undefined }]);
  expect((await readdir(dir.path)).sort()).toEqual(['readings-2026-11-23.csv', 'readings-2026-11-23.jsonl']);
  expect((await readFile(join(dir.path, 'readings-2026-11-23.csv'), 'utf8')).split('\n')).toEqual([
    'time,ts_ms,site,meter,channel,role,seq,quantity,value,labels',
    `2026-11-23T12:00:00.250Z,${r.ts},house-12,main,grid,grid,7,power_w,-512.5,"tariff=HC, off-peak"`,
    `2026-11-23T12:00:00.250Z,${r.ts},house-12,main,grid,grid,7,energy_import_wh,1200345,"tariff=HC, off-peak"`,
    `2026-11-23T12:00:01.250Z,${r.ts + 1000},house-12,main,grid,grid,8,power_w,-512.5,`,
    `2026-11-23T12:00:01.250Z,${r.ts + 1000},house-12,main,grid,grid,8,energy_import_wh,1200345,`,
    '',
  ]);
  await dir.cleanup();
});
