import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Reading } from '@wattbus/contract';
import { InfluxV1Sink } from '@wattbus/sinks';
import {
  type InfluxdHandle,
  readStoredReadings,
  type StoredReading,
  startInfluxd,
  tempDir,
  waitFor,
} from '@wattbus/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEPLOY } from '../src/paths.js';

const run = promisify(execFile);
const BACKUP = resolve(DEPLOY, 'backup/influx-backup.sh');
/** influxd opens the restored shards in the background ("shard is disabled" until then). */
const restored = (influx: InfluxdHandle, db: string) =>
  waitFor(
    async () => {
      const rows = await readStoredReadings(influx, db).catch(() => []);
      return rows.length > 0 ? rows : undefined;
    },
    { what: `restored ${db}`, timeoutMs: 20_000 },
  );
const sorted = (rows: StoredReading[]) =>
  [...rows].sort((a, b) => a.ts - b.ts || String(a.tags.site).localeCompare(String(b.tags.site)));

let source: InfluxdHandle;
let target: InfluxdHandle;
beforeAll(async () => {
  [source, target] = await Promise.all([startInfluxd(), startInfluxd()]);
});
afterAll(async () => {
  await Promise.all([source?.stop(), target?.stop()]);
});

it('a backup made by influx-backup.sh (InfluxDB 1.x) restores every reading on a new server and beside the original', async () => {
  const sink = new InfluxV1Sink(
    { url: source.url, database: 'wattbus', create_database: true, timeout_ms: 5000, site_tags: ['city'] },
    { siteTags: (site): Record<string, string> => (site === 'house-1' ? { city: 'Liège' } : {}) },
  );
  await sink.open();
  const readings: Reading[] = Array.from({ length: 500 }, (_, i) => ({
    v: 1,
    site: i % 2 === 0 ? 'house-1' : 'house-2',
    meter: 'main',
    channel: 'grid',
    role: 'grid',
    seq: i + 1,
    ts: 1_763_800_000_000 + i * 1000,
    values: { power_w: i * 1.5 - 100, energy_import_wh: 1_000_000 + i },
  }));
  await sink.write(readings);
  const original = sorted(await readStoredReadings(source, 'wattbus'));
  expect(original).toHaveLength(500);

  const backups = await tempDir('wattbus-backups-');
  try {
    const env = { ...process.env, INFLUX_MAJOR: '1', INFLUX_BACKUP_HOST: source.rpcAddress, BACKUP_DIR: backups.path };
    const { stdout } = await run('bash', [BACKUP, '--once'], { env });
    const [name] = readdirSync(backups.path);
    expect(stdout).toContain(`wrote ${join(backups.path, name as string)}`);
    const backup = join(backups.path, name as string);

    // On a new server: the README's command, as is.
    await run('influxd', ['restore', '-portable', '-host', target.rpcAddress, backup]);
    expect(sorted(await restored(target, 'wattbus'))).toEqual(original);

    // Beside the original, under another name, to compare or copy back from.
    await run('influxd', [
      'restore',
      '-portable',
      '-host',
      source.rpcAddress,
      '-db',
      'wattbus',
      '-newdb',
      'wattbus_restored',
      backup,
    ]);
    expect(sorted(await restored(source, 'wattbus_restored'))).toEqual(original);
    expect(original.find((r) => r.tags.site === 'house-1')?.tags.city).toBe('Liège');
  } finally {
    await backups.cleanup();
  }
});
