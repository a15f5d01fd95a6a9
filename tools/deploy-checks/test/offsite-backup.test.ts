import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { Reading } from '@wattbus/contract';
import { InfluxV1Sink } from '@wattbus/sinks';
import {
  type InfluxdHandle,
  REPO_ROOT,
  readStoredReadings,
  type StoredReading,
  startInfluxd,
  type TempDir,
  tempDir,
  waitFor,
} from '@wattbus/testkit';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEPLOY } from '../src/paths.js';
import { type S3Server, startS3Server } from '../src/s3-server.js';

const run = promisify(execFile);
const BACKUP = resolve(DEPLOY, 'backup/influx-backup.sh');
const CLI = resolve(REPO_ROOT, 'packages/offsite-backup/src/main.ts');
const TSX = resolve(REPO_ROOT, 'node_modules/tsx/dist/loader.mjs');
const PREFIX = 'site-a/influx/';
const MIB = 1024 * 1024;

let work: TempDir;
let bin: string;
beforeAll(async () => {
  work = await tempDir('wattbus-offsite-');
  // The uploader as the backup image has it: `wattbus-offsite-backup` on PATH (here from source, through tsx).
  bin = join(work.path, 'bin');
  mkdirSync(bin);
  writeFileSync(
    join(bin, 'wattbus-offsite-backup'),
    `#!/bin/sh\nexec "${process.execPath}" --conditions=wattbus-source --import "${TSX}" "${CLI}" "$@"\n`,
  );
  chmodSync(join(bin, 'wattbus-offsite-backup'), 0o755);
});
afterAll(() => work?.cleanup());

/** Secrets files and OFFSITE_* settings for `s3`, as the compose service gives them. */
function offsiteEnv(s3: S3Server, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const secrets = join(work.path, `secrets-${randomBytes(4).toString('hex')}`);
  mkdirSync(secrets);
  writeFileSync(join(secrets, 's3-access-key-id'), `${s3.accessKeyId}\n`);
  writeFileSync(join(secrets, 's3-secret-access-key'), `${s3.secretAccessKey}\n`);
  return {
    PATH: `${bin}:${process.env.PATH}`,
    OFFSITE_S3_ENDPOINT: s3.endpoint,
    OFFSITE_S3_BUCKET: s3.bucket,
    OFFSITE_S3_PREFIX: PREFIX,
    OFFSITE_S3_REGION: 'eu-west-1',
    OFFSITE_S3_ACCESS_KEY_ID_FILE: join(secrets, 's3-access-key-id'),
    OFFSITE_S3_SECRET_ACCESS_KEY_FILE: join(secrets, 's3-secret-access-key'),
    OFFSITE_PART_SIZE_MB: '5',
    ...extra,
  };
}

function keyFile(): string {
  const path = join(work.path, `key-${randomBytes(4).toString('hex')}`);
  writeFileSync(path, `${randomBytes(32).toString('hex')}\n`);
  return path;
}

const offsite = (args: string[], env: NodeJS.ProcessEnv) =>
  run(join(bin, 'wattbus-offsite-backup'), args, { env, maxBuffer: 16 * MIB });

function s3Client(s3: S3Server): S3Client {
  return new S3Client({
    endpoint: s3.endpoint,
    region: 'eu-west-1',
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
  });
}

async function objectKeys(s3: S3Server): Promise<string[]> {
  const res = await s3Client(s3).send(new ListObjectsV2Command({ Bucket: s3.bucket }));
  return (res.Contents ?? []).map((o) => o.Key as string).sort();
}

/** A stand-in backup directory of `mib` MiB of random (incompressible) bytes in two files. */
function fakeBackup(parent: string, name: string, mib: number): string {
  const dir = join(parent, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'a.tar.gz'), randomBytes(Math.floor(mib * MIB * 0.75)));
  writeFileSync(join(dir, 'b.manifest'), randomBytes(Math.ceil(mib * MIB * 0.25)));
  return dir;
}
const sameFiles = (a: string, b: string) => {
  expect(readdirSync(b).sort()).toEqual(readdirSync(a).sort());
  for (const f of readdirSync(a)) expect(readFileSync(join(b, f)).equals(readFileSync(join(a, f))), f).toBe(true);
};
const old = (n: number) => `2020-01-01T00-00-${String(n).padStart(2, '0')}Z`;

describe('wattbus-offsite-backup settings', () => {
  let s3: S3Server;
  beforeAll(async () => {
    s3 = await startS3Server();
  });
  afterAll(() => s3?.stop());

  it('refuses bad settings at start, naming each key and never a secret', async () => {
    const env = offsiteEnv(s3, { OFFSITE_KEEP: 'ten', OFFSITE_S3_BUCKET: '', OFFSITE_S3_ENDPOINT: 'minio:9000' });
    env.OFFSITE_S3_SECRET_ACCESS_KEY_FILE = join(work.path, 'missing');
    env.OFFSITE_ENCRYPTION_KEY_FILE = join(work.path, 'short-key');
    writeFileSync(env.OFFSITE_ENCRYPTION_KEY_FILE, 'not-a-key-but-secret');
    const failed = await offsite(['check-config'], env).then(
      () => undefined,
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    expect(failed?.code).toBe(2);
    for (const key of [
      'OFFSITE_S3_BUCKET: required',
      "OFFSITE_KEEP: must be a positive integer (got 'ten')",
      'OFFSITE_S3_ENDPOINT: must be http(s)://host[:port]',
      `OFFSITE_S3_SECRET_ACCESS_KEY_FILE: cannot read ${env.OFFSITE_S3_SECRET_ACCESS_KEY_FILE} (ENOENT)`,
      'OFFSITE_ENCRYPTION_KEY_FILE: ',
    ]) {
      expect(failed?.stderr).toContain(key);
    }
    expect(`${failed?.stdout}${failed?.stderr}`).not.toContain('not-a-key-but-secret');
    // the script checks them before it backs anything up
    const backups = join(work.path, 'never');
    await expect(
      run('bash', [BACKUP, '--once'], { env: { ...env, OFFSITE_S3_BUCKET: s3.bucket, BACKUP_DIR: backups } }),
    ).rejects.toThrow(/invalid off-site settings/);
    expect(existsSync(backups)).toBe(false);
  });

  it('logs a valid config without its credentials', async () => {
    const { stderr } = await offsite(['check-config'], offsiteEnv(s3, { OFFSITE_ENCRYPTION_KEY_FILE: keyFile() }));
    const line = JSON.parse(stderr.trim().split('\n').at(-1) as string);
    expect(line).toMatchObject({ msg: 'off-site backup config valid', bucket: s3.bucket, prefix: PREFIX, keep: 10 });
    expect(line.encrypted).toBe(true);
    expect(stderr).not.toContain(s3.secretAccessKey);
  });
});

describe('uploads, retention and fetch (s3rver)', () => {
  let s3: S3Server;
  let dir: string;
  beforeEach(async () => {
    s3 = await startS3Server();
    dir = join(work.path, `local-${randomBytes(4).toString('hex')}`);
  });
  afterEach(() => s3?.stop());

  it('uploads each backup as a multipart upload with progress lines, keeps the newest OFFSITE_KEEP', async () => {
    const env = offsiteEnv(s3, { OFFSITE_KEEP: '2' });
    for (const n of [1, 2, 3]) {
      const { stderr } = await offsite(['upload', fakeBackup(dir, old(n), n === 3 ? 12 : 1)], env);
      if (n === 3) {
        // 12 MiB in 5 MiB parts: a progress line per part, as JSON (stderr is not a terminal here)
        const progress = stderr.split('\n').filter((l) => l.includes('"msg":"progress"'));
        expect(progress.length).toBeGreaterThanOrEqual(2);
        expect(JSON.parse(progress[0] as string)).toMatchObject({ op: 'upload', backup: old(3) });
      }
    }
    expect(await objectKeys(s3)).toEqual([
      `${PREFIX}${old(2)}.json`,
      `${PREFIX}${old(2)}.tar`,
      `${PREFIX}${old(3)}.json`,
      `${PREFIX}${old(3)}.tar`,
    ]);
    const { stdout } = await offsite(['list'], env);
    expect(
      stdout
        .trim()
        .split('\n')
        .map((l) => l.split('\t').slice(0, 3)),
    ).toEqual([
      [old(2), expect.stringMatching(/^\d+$/), 'plain'],
      [old(3), expect.stringMatching(/^\d+$/), 'plain'],
    ]);
    // the newest comes back byte for byte
    const into = join(dir, 'fetched');
    const fetched = (await offsite(['fetch', '--into', into], env)).stdout.trim();
    expect(fetched).toBe(join(into, old(3)));
    sameFiles(join(dir, old(3)), fetched);
  });

  it('on a terminal, shows progress as one line rewritten in place instead of JSON lines', async () => {
    const backup = fakeBackup(dir, old(1), 12);
    // util-linux `script` gives the command a pseudo-terminal, as an operator's shell would
    const { stdout } = await run('script', ['-qec', `wattbus-offsite-backup upload ${backup}`, '/dev/null'], {
      env: offsiteEnv(s3),
    });
    expect(stdout).toMatch(new RegExp(`\\r\\x1b\\[2Kupload ${old(1)}: \\d+\\.\\d MiB, \\d+\\.\\d MiB/s`));
    expect(stdout).not.toContain('"msg":"progress"');
    expect(stdout).toContain('"msg":"uploaded"');
  });

  it('a tar that fails half-way completes no object (the stream errors instead of ending)', async () => {
    // a stand-in `tar` first on PATH: 6 MiB of archive, then a failure, as a disk error would do
    const fakeBin = join(dir, 'fake-bin');
    mkdirSync(fakeBin, { recursive: true });
    writeFileSync(
      join(fakeBin, 'tar'),
      '#!/bin/sh\nhead -c 6291456 /dev/urandom\necho "tar: read error" >&2\nexit 2\n',
    );
    chmodSync(join(fakeBin, 'tar'), 0o755);
    const env = offsiteEnv(s3);
    const failed = await offsite(['upload', fakeBackup(dir, old(1), 1)], {
      ...env,
      PATH: `${fakeBin}:${env.PATH}`,
    }).catch((e: { code: number; stderr: string }) => e);
    expect(failed).toMatchObject({ code: 1 });
    expect((failed as { stderr: string }).stderr).toMatch(/tar -c .* failed \(exit 2\): tar: read error/);
    expect(await objectKeys(s3)).toEqual([]);
  });

  it('an encrypted round trip; a wrong key, a missing key or a damaged object is refused and leaves nothing', async () => {
    const key = keyFile();
    const env = offsiteEnv(s3, { OFFSITE_ENCRYPTION_KEY_FILE: key });
    const original = fakeBackup(dir, old(1), 6);
    writeFileSync(join(original, 'readable.txt'), 'wattbus shard data '.repeat(1000));
    await offsite(['upload', original], env);
    expect(await objectKeys(s3)).toEqual([`${PREFIX}${old(1)}.json`, `${PREFIX}${old(1)}.tar.enc`]);
    const stored = await s3Client(s3).send(
      new GetObjectCommand({ Bucket: s3.bucket, Key: `${PREFIX}${old(1)}.tar.enc` }),
    );
    const bytes = Buffer.from(
      await (stored.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
    );
    expect(bytes.includes('wattbus shard data')).toBe(false);
    expect(bytes.includes('readable.txt')).toBe(false);

    const into = join(dir, 'fetched');
    const wrong = await offsite(['fetch', '--name', old(1), '--into', into], {
      ...env,
      OFFSITE_ENCRYPTION_KEY_FILE: keyFile(),
    }).catch((e: { code: number; stderr: string }) => e);
    expect(wrong).toMatchObject({ code: 1 });
    expect((wrong as { stderr: string }).stderr).toMatch(
      /wrong encryption key: this backup was encrypted with another key/,
    );
    expect(readdirSync(into)).toEqual([]);
    const { OFFSITE_ENCRYPTION_KEY_FILE: _, ...withoutKey } = env;
    await expect(offsite(['fetch', '--into', into], withoutKey)).rejects.toThrow(
      /backup 2020-01-01T00-00-01Z is encrypted: set OFFSITE_ENCRYPTION_KEY_FILE/,
    );

    const fetched = (await offsite(['fetch', '--name', old(1), '--into', into], env)).stdout.trim();
    sameFiles(original, fetched);

    // a byte changed in the bucket (s3rver's file of the object): the manifest's SHA-256 catches it
    const file = join(s3.dataDir, s3.bucket, 'site-a/influx', `${old(1)}.tar.enc._S3rver_object`);
    const damaged = readFileSync(file);
    damaged[damaged.length - 100] = (damaged[damaged.length - 100] as number) ^ 1;
    writeFileSync(file, damaged);
    await expect(offsite(['fetch', '--into', join(dir, 'again')], env)).rejects.toThrow(/does not match its manifest/);
    expect(readdirSync(join(dir, 'again'))).toEqual([]);
  });

  it('an upload killed mid-way leaves no object; the next run aborts its parts and retention does not count it', async () => {
    await s3.stop();
    s3 = await startS3Server({ stallPart: 2 });
    const env = offsiteEnv(s3, { OFFSITE_KEEP: '2' });
    await offsite(['upload', fakeBackup(dir, old(1), 1)], env);

    const uploader = spawn(join(bin, 'wattbus-offsite-backup'), ['upload', fakeBackup(dir, old(2), 24)], {
      env,
      stdio: 'ignore',
    });
    const gone = new Promise((r) => uploader.on('exit', r));
    await s3.process.waitForOutput(/stalled part 2/, 30_000);
    expect(s3.unfinishedUploads()).toHaveLength(1);
    uploader.kill('SIGKILL');
    await gone;

    const name2 = `${PREFIX}${old(2)}.tar`;
    await expect(s3Client(s3).send(new HeadObjectCommand({ Bucket: s3.bucket, Key: name2 }))).rejects.toThrow();
    expect(await objectKeys(s3)).toEqual([`${PREFIX}${old(1)}.json`, `${PREFIX}${old(1)}.tar`]);
    expect((await offsite(['list'], env)).stdout.trim().split('\n')).toHaveLength(1);

    const { stderr } = await offsite(['upload', fakeBackup(dir, old(3), 1)], env);
    expect(stderr).toContain('aborted an unfinished multipart upload');
    expect(s3.unfinishedUploads()).toEqual([]);
    // OFFSITE_KEEP=2 keeps 1 and 3: the broken upload of 2 is not a backup
    expect(await objectKeys(s3)).toEqual([
      `${PREFIX}${old(1)}.json`,
      `${PREFIX}${old(1)}.tar`,
      `${PREFIX}${old(3)}.json`,
      `${PREFIX}${old(3)}.tar`,
    ]);
  });

  it('SIGTERM during an upload aborts the multipart upload on the server and exits 1', async () => {
    await s3.stop();
    s3 = await startS3Server({ stallPart: 2 });
    const env = offsiteEnv(s3);
    const uploader = spawn(join(bin, 'wattbus-offsite-backup'), ['upload', fakeBackup(dir, old(1), 24)], {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    uploader.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const exited = new Promise<number | null>((r) => uploader.on('exit', (code) => r(code)));
    await s3.process.waitForOutput(/stalled part 2/, 30_000);
    const [uploadId] = s3.unfinishedUploads();
    uploader.kill('SIGTERM');
    expect(await exited).toBe(1);
    expect(stderr).toContain(`upload of ${old(1)} interrupted`);
    // (a part that was already on its way may still be stored after the abort, as S3's documentation warns:
    // the next run's clean-up, tested above, removes what is left)
    const aborted = stderr.split('\n').find((l) => l.includes('"msg":"aborted the multipart upload"'));
    expect(JSON.parse(aborted ?? '{}')).toMatchObject({ upload_id: uploadId, object: `${PREFIX}${old(1)}.tar` });
    expect(await objectKeys(s3)).toEqual([]);
  });
});

describe('influx-backup.sh when an upload fails', () => {
  let s3: S3Server;
  beforeAll(async () => {
    s3 = await startS3Server();
  });
  afterAll(() => s3?.stop());

  it('keeps the local backup, fails the run, and --check stays unhealthy until an upload succeeds', async () => {
    // a stand-in `influx` (InfluxDB 2's CLI is not installed here): `influx backup DIR` writes one file
    const fakeBin = join(work.path, 'fake-influx');
    mkdirSync(fakeBin);
    writeFileSync(join(fakeBin, 'influx'), '#!/bin/sh\nmkdir -p "$2" && echo shard > "$2/shard.tar.gz"\n');
    chmodSync(join(fakeBin, 'influx'), 0o755);
    const backups = join(work.path, 'failing-uploads');
    const base = offsiteEnv(s3);
    const env = { ...base, PATH: `${fakeBin}:${base.PATH}`, BACKUP_DIR: backups, OFFSITE_S3_BUCKET: 'no-such-bucket' };

    const failed = await run('bash', [BACKUP, '--once'], { env }).catch((e: { code: number; stderr: string }) => e);
    expect(failed).toMatchObject({ code: 1 });
    expect((failed as { stderr: string }).stderr).toMatch(/The specified bucket does not exist/);
    expect((failed as { stderr: string }).stderr).toMatch(/off-site upload of \S+Z failed; the local backup is kept/);
    const local = readdirSync(backups).filter((n) => n.endsWith('Z'));
    expect(local).toHaveLength(1);
    expect(readdirSync(join(backups, local[0] as string))).toEqual(['shard.tar.gz']);
    await expect(run('bash', [BACKUP, '--check'], { env })).rejects.toThrow(/nothing uploaded off site yet/);

    await new Promise((r) => setTimeout(r, 1100)); // a new second, so a new backup name
    const ok = { ...env, OFFSITE_S3_BUCKET: s3.bucket };
    await run('bash', [BACKUP, '--once'], { env: ok });
    await expect(run('bash', [BACKUP, '--check'], { env: ok })).resolves.toBeDefined();
    const threeHoursAgo = Date.now() / 1000 - 3 * 3600;
    utimesSync(join(backups, '.offsite-uploaded'), threeHoursAgo, threeHoursAgo);
    await expect(run('bash', [BACKUP, '--check'], { env: ok })).rejects.toThrow(/last off-site upload \d+s ago/);
  });
});

describe('influx-backup.sh stopped during an upload', () => {
  let s3: S3Server;
  beforeAll(async () => {
    s3 = await startS3Server({ stallPart: 2 });
  });
  afterAll(() => s3?.stop());

  it('passes SIGTERM (docker compose stop) to the uploader, which aborts its upload; the script exits 0', async () => {
    // a stand-in `influx` whose backup is 24 MiB, so that the upload has parts to be stopped in
    const fakeBin = join(work.path, 'fake-influx-big');
    mkdirSync(fakeBin);
    writeFileSync(
      join(fakeBin, 'influx'),
      '#!/bin/sh\nmkdir -p "$2" && head -c 25165824 /dev/urandom > "$2/shard.tar.gz"\n',
    );
    chmodSync(join(fakeBin, 'influx'), 0o755);
    const base = offsiteEnv(s3);
    const env = {
      ...base,
      PATH: `${fakeBin}:${base.PATH}`,
      BACKUP_DIR: join(work.path, 'stopped'),
      BACKUP_INTERVAL_S: '3600',
    };
    const script = spawn('bash', [BACKUP], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    for (const stream of [script.stdout, script.stderr]) stream.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((r) => script.on('exit', (code) => r(code)));
    await s3.process.waitForOutput(/stalled part 2/, 30_000);
    script.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toContain('"msg":"aborted the multipart upload"');
    expect(output).toContain('interrupted');
    expect(await objectKeys(s3)).toEqual([]);
  });
});

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

describe('influx-backup.sh with off-site upload (InfluxDB 1.x)', () => {
  let source: InfluxdHandle;
  let target: InfluxdHandle;
  let s3: S3Server;
  beforeAll(async () => {
    [source, target, s3] = await Promise.all([startInfluxd(), startInfluxd(), startS3Server()]);
  });
  afterAll(async () => {
    await Promise.all([source?.stop(), target?.stop(), s3?.stop()]);
  });

  it('uploads every backup encrypted, and restores the latest from the bucket into a new server, row by row', async () => {
    const sink = new InfluxV1Sink(
      { url: source.url, database: 'wattbus', create_database: true, timeout_ms: 5000, site_tags: [] },
      { siteTags: () => ({}) },
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

    const backups = join(work.path, 'influx-backups');
    const env = {
      ...offsiteEnv(s3, { OFFSITE_ENCRYPTION_KEY_FILE: keyFile() }),
      INFLUX_MAJOR: '1',
      INFLUX_BACKUP_HOST: source.rpcAddress,
      BACKUP_DIR: backups,
    };
    const { stdout } = await run('bash', [BACKUP, '--once'], { env });
    const [name] = readdirSync(backups).filter((n) => /Z$/.test(n));
    expect(stdout).toContain(`uploaded ${name} off site`);
    await expect(run('bash', [BACKUP, '--check'], { env })).resolves.toBeDefined();
    expect((await run('bash', [BACKUP, '--list-bucket'], { env })).stdout).toMatch(
      new RegExp(`^${name}\\t\\d+\\tencrypted\\t`),
    );

    // The machine is lost: only the bucket and the key are left.
    const elsewhere = join(work.path, 'new-machine');
    const restoredOut = await run('bash', [BACKUP, '--restore-from-bucket', 'latest'], {
      env: { ...env, BACKUP_DIR: elsewhere, INFLUX_BACKUP_HOST: target.rpcAddress },
    });
    expect(restoredOut.stdout).toContain(`restored ${name} from the bucket`);
    expect(sorted(await restored(target, 'wattbus'))).toEqual(original);
  });
});
