import { execFile, spawn } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { beforeEach, describe, expect, it } from 'vitest';
import { DEPLOY } from '../src/paths.js';

const run = promisify(execFile);
const BACKUP = resolve(DEPLOY, 'backup/influx-backup.sh');
const INIT = resolve(DEPLOY, 'influxdb/init-wattbus.sh');

it('shellcheck finds nothing in the deploy scripts', async () => {
  // shellcheck is a system package here (apt-get install shellcheck); a missing binary fails this test
  await expect(run('shellcheck', ['--severity=style', BACKUP, INIT])).resolves.toBeDefined();
});

/** A fake `influx` on PATH: records its arguments; `backup DIR` writes a file there, or fails if FAKE_FAIL. */
function fakeInflux(dir: string): { bin: string; log: string } {
  const bin = join(dir, 'bin');
  const log = join(dir, 'influx.log');
  mkdirSync(bin);
  writeFileSync(
    join(bin, 'influx'),
    `#!/bin/bash
echo "$*" >> "${log}"
if [ "$1" = backup ]; then
  mkdir -p "$2" && echo data > "$2/20250101T000000Z.manifest"
  [ -z "\${FAKE_FAIL:-}" ] || exit 1
fi
if [ "$1 $2" = "bucket list" ]; then printf 'b0b0b0\\twattbus\\n'; fi
`,
  );
  chmodSync(join(bin, 'influx'), 0o755);
  return { bin, log };
}

describe('deploy/backup/influx-backup.sh', () => {
  let dir: string;
  let backups: string;
  let env: NodeJS.ProcessEnv;
  const listing = () => readdirSync(backups).sort();
  const backup = (args: string[], extra: NodeJS.ProcessEnv = {}) =>
    run('bash', [BACKUP, ...args], { env: { ...env, ...extra } });
  const old = (n: number) => `2020-01-01T00-00-${String(n).padStart(2, '0')}Z`;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'influx-backup-'));
    backups = join(dir, 'backups');
    const { bin } = fakeInflux(dir);
    env = { PATH: `${bin}:${process.env.PATH}`, BACKUP_DIR: backups, BACKUP_KEEP: '10', BACKUP_INTERVAL_S: '3600' };
  });

  it('backs up into a new UTC-time folder and keeps the newest 10', async () => {
    mkdirSync(backups);
    for (let i = 0; i < 12; i++) mkdirSync(join(backups, old(i)));
    await backup(['--once']);
    const kept = listing();
    expect(kept).toHaveLength(10);
    expect(kept.slice(0, 9)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11].map(old));
    const made = kept[9] as string;
    expect(made).toMatch(/^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ$/);
    expect(readdirSync(join(backups, made))).toEqual(['20250101T000000Z.manifest']);
  });

  it('keeps everything when fewer than BACKUP_KEEP exist, and honours another BACKUP_KEEP', async () => {
    await backup(['--once']);
    expect(listing()).toHaveLength(1);
    for (let i = 0; i < 5; i++) mkdirSync(join(backups, old(i)));
    await new Promise((r) => setTimeout(r, 1100)); // a new second, so a new folder name
    await backup(['--once'], { BACKUP_KEEP: '2' });
    expect(listing()).toHaveLength(2);
    expect(listing().some((n) => n.startsWith('2020'))).toBe(false);
  });

  it('deletes nothing and leaves no partial backup when influx backup fails', async () => {
    mkdirSync(backups);
    for (let i = 0; i < 12; i++) mkdirSync(join(backups, old(i)));
    await expect(backup(['--once'], { FAKE_FAIL: '1' })).rejects.toThrow(/backup failed; nothing pruned/);
    expect(listing()).toEqual([...Array(12).keys()].map(old));
  });

  it('does not count an interrupted backup, and removes it on the next run', async () => {
    mkdirSync(join(backups, '.partial-2020-01-01T00-00-00Z'), { recursive: true });
    await expect(backup(['--check'])).rejects.toThrow(/no backup yet/);
    await backup(['--once']);
    expect(listing()).toHaveLength(1);
    expect(listing()[0]).not.toMatch(/^\.partial/);
  });

  it('--check: healthy only while the newest backup is younger than two intervals', async () => {
    await expect(backup(['--check'])).rejects.toThrow();
    await backup(['--once']);
    await expect(backup(['--check'])).resolves.toBeDefined();
    const newest = join(backups, listing()[0] as string);
    const threeHoursAgo = Date.now() / 1000 - 3 * 3600;
    utimesSync(newest, threeHoursAgo, threeHoursAgo);
    await expect(backup(['--check'])).rejects.toThrow(/is \d+s old/);
  });

  it('refuses a bad BACKUP_KEEP or argument', async () => {
    await expect(backup(['--once'], { BACKUP_KEEP: '0' })).rejects.toThrow(/BACKUP_KEEP must be a positive integer/);
    await expect(backup(['--nope'])).rejects.toThrow(/unknown argument/);
  });

  it('backs up every interval until SIGTERM, then exits 0', async () => {
    const child = spawn('bash', [BACKUP], { env: { ...env, BACKUP_INTERVAL_S: '1' }, stdio: 'ignore' });
    await new Promise((r) => setTimeout(r, 2600));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(listing().length).toBeGreaterThanOrEqual(2);
  });
});

describe('deploy/influxdb/init-wattbus.sh', () => {
  it('maps the database onto the bucket and makes a write-only and a read-only v1 user', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'influx-init-'));
    const { bin, log } = fakeInflux(dir);
    const base = {
      PATH: `${bin}:${process.env.PATH}`,
      DOCKER_INFLUXDB_INIT_ORG: 'wattbus',
      DOCKER_INFLUXDB_INIT_BUCKET: 'wattbus',
      WATTBUS_INFLUX_DB: 'wattbus',
      WATTBUS_INFLUX_SINK_PASSWORD: 'sink-secret',
      WATTBUS_INFLUX_GRAFANA_PASSWORD: 'grafana-secret',
    };
    await run('bash', [INIT], { env: { ...base, DOCKER_INFLUXDB_INIT_BUCKET_ID: 'abc123' } });
    expect(readFileSync(log, 'utf8').trim().split('\n')).toEqual([
      'v1 dbrp create --org wattbus --bucket-id abc123 --db wattbus --rp autogen --default',
      'v1 auth create --org wattbus --username wattbus-sink --password sink-secret --write-bucket abc123 --description wattbus sink-worker (write only)',
      'v1 auth create --org wattbus --username grafana --password grafana-secret --read-bucket abc123 --description Grafana (read only)',
    ]);
    // without the id from the image, it looks the bucket up
    await run('bash', [INIT], { env: base });
    expect(readFileSync(log, 'utf8')).toContain('--bucket-id b0b0b0 ');
    // a missing secret stops it before anything is created
    writeFileSync(log, '');
    await expect(run('bash', [INIT], { env: { ...base, WATTBUS_INFLUX_SINK_PASSWORD: '' } })).rejects.toThrow();
    expect(existsSync(log) && readFileSync(log, 'utf8')).toBe('');
  });
});
