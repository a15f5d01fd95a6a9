import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Reading } from '@wattbus/contract';
import { tempDir } from '@wattbus/testkit';
import { expect, it } from 'vitest';
import { fileNameFor, JsonLinesSink } from '../src/file/jsonl-sink.js';
import { sinkSuite } from './sink-suite.js';

async function readAll(dir: string): Promise<Reading[]> {
  const out: Reading[] = [];
  for (const f of (await readdir(dir)).sort()) {
    const text = await readFile(join(dir, f), 'utf8');
    for (const line of text.split('\n').filter(Boolean)) out.push(JSON.parse(line) as Reading);
  }
  return out;
}

sinkSuite('file', async () => {
  const dir = await tempDir('wattbus-file-sink-');
  const path = join(dir.path, 'out');
  return {
    sink: new JsonLinesSink({ dir: path, fsync: true }),
    readBack: () => readAll(path),
    idempotent: false,
    cleanup: dir.cleanup,
  };
});

it('writes one file per UTC day of the readings', async () => {
  const dir = await tempDir('wattbus-file-sink-');
  const sink = new JsonLinesSink({ dir: dir.path, fsync: false });
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
