import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { Logger } from 'pino';
import { listBackups, makeClient, readManifest } from './bucket.js';
import { byteMeter } from './byte-meter.js';
import type { OffsiteConfig } from './config.js';
import { decryptStream } from './encryption.js';
import { progress } from './progress.js';
import { unpackInto } from './tar.js';

/**
 * Brings one backup back from the bucket into `<into>/<name>`, ready for `influxd restore -portable` or
 * `influx restore`: download, check size and SHA-256 against the manifest, decrypt (every chunk authenticated),
 * unpack. Until it is whole it lives under `<into>/.partial-<name>`, removed on any failure.
 */
export async function fetchBackup(
  config: OffsiteConfig,
  options: { name?: string; into: string },
  log: Logger,
): Promise<string> {
  const client = makeClient(config);
  const { complete } = await listBackups(client, config);
  const where = `s3://${config.bucket}/${config.prefix}`;
  if (complete.length === 0) throw new Error(`no backup in ${where}`);
  const name = options.name ?? (complete.at(-1) as string);
  if (!complete.includes(name)) {
    throw new Error(`no backup named '${name}' in ${where} (newest: ${complete.slice(-3).reverse().join(', ')})`);
  }
  const manifest = await readManifest(client, config, name);
  if (manifest.encrypted && !config.encryptionKey) {
    throw new Error(`backup ${name} is encrypted: set OFFSITE_ENCRYPTION_KEY_FILE to the key it was made with`);
  }
  const target = join(options.into, name);
  if (existsSync(target)) throw new Error(`${target} exists already: remove it or fetch into another folder`);

  await mkdir(options.into, { recursive: true });
  const partial = join(options.into, `.partial-${name}`);
  const download = `${partial}.download`;
  await rm(partial, { recursive: true, force: true });
  try {
    const res = await client.send(new GetObjectCommand({ Bucket: config.bucket, Key: manifest.object }));
    const shown = progress(log, { op: 'download', backup: name, total: manifest.bytes }, { everyBytes: 16 << 20 });
    const meter = byteMeter((n) => shown.update(n));
    try {
      await pipeline(res.Body as Readable, meter, createWriteStream(download));
    } finally {
      shown.end();
    }
    if (meter.bytes() !== manifest.bytes || meter.sha256() !== manifest.sha256) {
      throw new Error(
        `backup ${name} does not match its manifest (${meter.bytes()} bytes, sha256 ${meter.sha256()}; expected ${manifest.bytes} bytes, sha256 ${manifest.sha256})`,
      );
    }
    log.info({ backup: name, bytes: manifest.bytes }, 'downloaded; size and sha256 match the manifest');

    await mkdir(partial);
    const tar = unpackInto(partial);
    await Promise.all([
      pipeline([
        createReadStream(download),
        ...(manifest.encrypted ? [decryptStream(config.encryptionKey as Buffer)] : []),
        tar.input,
      ]),
      tar.done,
    ]);
    await rename(partial, target);
    log.info({ backup: name, dir: target, encrypted: manifest.encrypted }, 'fetched');
    return target;
  } catch (err) {
    await rm(partial, { recursive: true, force: true });
    throw err;
  } finally {
    await rm(download, { force: true });
  }
}
