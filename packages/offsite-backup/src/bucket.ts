import {
  AbortMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { Logger } from 'pino';
import type { OffsiteConfig } from './config.js';

/**
 * Layout under the prefix: `<name>.tar` (or `<name>.tar.enc`, encrypted) is the backup, and `<name>.json` its
 * manifest, written only once the backup object is complete. A backup counts (for listing, restoring and
 * retention) only once its manifest exists; a multipart upload that never completed leaves no object at all.
 */
export interface Manifest {
  format: 1;
  name: string;
  object: string;
  bytes: number;
  /** Of the stored object (the ciphertext when encrypted). */
  sha256: string;
  encrypted: boolean;
  created_at: string;
}

export const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const DATA = /^(.+)\.tar(\.enc)?$/;
const MANIFEST = /^(.+)\.json$/;

export function makeClient(config: OffsiteConfig): S3Client {
  return new S3Client({
    region: config.region,
    credentials: config.credentials,
    forcePathStyle: config.forcePathStyle,
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    // The SDK's default CRC32 trailers (aws-chunked bodies) are refused by many S3-compatible stores;
    // integrity is checked end to end with the manifest's SHA-256 instead.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

export const dataKey = (config: OffsiteConfig, name: string, encrypted: boolean) =>
  `${config.prefix}${name}.tar${encrypted ? '.enc' : ''}`;
export const manifestKey = (config: OffsiteConfig, name: string) => `${config.prefix}${name}.json`;

async function listKeys(client: S3Client, config: OffsiteConfig): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListObjectsV2Command({ Bucket: config.bucket, Prefix: config.prefix, ContinuationToken: token }),
    );
    for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key.slice(config.prefix.length));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys.filter((k) => !k.includes('/'));
}

/** Complete backups (those with a manifest), oldest first (names are UTC times), and data objects without one. */
export async function listBackups(
  client: S3Client,
  config: OffsiteConfig,
): Promise<{ complete: string[]; orphans: string[] }> {
  const keys = await listKeys(client, config);
  const manifests = new Set(keys.map((k) => MANIFEST.exec(k)?.[1]).filter((n): n is string => !!n && NAME.test(n)));
  const orphans = keys.filter((k) => {
    const name = DATA.exec(k)?.[1];
    return name !== undefined && !manifests.has(name);
  });
  return { complete: [...manifests].sort(), orphans };
}

export async function readManifest(client: S3Client, config: OffsiteConfig, name: string): Promise<Manifest> {
  const res = await client.send(new GetObjectCommand({ Bucket: config.bucket, Key: manifestKey(config, name) }));
  const m = JSON.parse(await (res.Body as { transformToString(): Promise<string> }).transformToString());
  const valid =
    m?.format === 1 &&
    m.name === name &&
    typeof m.object === 'string' &&
    m.object.startsWith(config.prefix) &&
    Number.isSafeInteger(m.bytes) &&
    /^[0-9a-f]{64}$/.test(m.sha256) &&
    typeof m.encrypted === 'boolean';
  if (!valid) throw new Error(`the manifest of backup ${name} (${manifestKey(config, name)}) is not valid`);
  return m as Manifest;
}

export async function writeManifest(client: S3Client, config: OffsiteConfig, manifest: Manifest): Promise<void> {
  await client.send(
    new PutObjectCommand({
      Bucket: config.bucket,
      Key: manifestKey(config, manifest.name),
      Body: `${JSON.stringify(manifest)}\n`,
      ContentType: 'application/json',
    }),
  );
}

/**
 * Keeps the newest `config.keep` complete backups. A backup's manifest goes first, so one interrupted while
 * being deleted no longer counts; data objects without a manifest (an upload stopped between the object and
 * its manifest, or such a deletion) go too.
 */
export async function applyRetention(client: S3Client, config: OffsiteConfig, log: Logger): Promise<string[]> {
  const { complete, orphans } = await listBackups(client, config);
  const excess = complete.slice(0, Math.max(0, complete.length - config.keep));
  const del = (key: string) => client.send(new DeleteObjectCommand({ Bucket: config.bucket, Key: key }));
  for (const name of excess) {
    const manifest = await readManifest(client, config, name).catch(() => undefined);
    await del(manifestKey(config, name));
    for (const encrypted of [false, true]) {
      const key = dataKey(config, name, encrypted);
      if (!manifest || manifest.object === key) await del(key);
    }
    log.info({ backup: name }, 'removed from the bucket (retention)');
  }
  for (const orphan of orphans) {
    await del(config.prefix + orphan);
    log.info({ object: config.prefix + orphan }, 'removed an object without manifest');
  }
  return excess;
}

/**
 * Aborts multipart uploads under the prefix that never completed (a killed uploader leaves its parts stored,
 * and billed, until then). Servers without ListMultipartUploads get a warning: a lifecycle rule that aborts
 * incomplete uploads (docs/backups.md) does the same there.
 */
export async function abortUnfinishedUploads(client: S3Client, config: OffsiteConfig, log: Logger): Promise<number> {
  let uploads: { Key?: string; UploadId?: string }[];
  try {
    const res = await client.send(new ListMultipartUploadsCommand({ Bucket: config.bucket, Prefix: config.prefix }));
    uploads = res.Uploads ?? [];
  } catch (err) {
    log.warn(
      { err: (err as Error).name, bucket: config.bucket },
      'cannot list unfinished multipart uploads on this server; parts of an interrupted upload stay until a lifecycle rule removes them',
    );
    return 0;
  }
  let aborted = 0;
  for (const u of uploads) {
    if (!u.Key || !u.UploadId || !DATA.test(u.Key.slice(config.prefix.length))) continue;
    await client.send(new AbortMultipartUploadCommand({ Bucket: config.bucket, Key: u.Key, UploadId: u.UploadId }));
    log.info({ object: u.Key, upload_id: u.UploadId }, 'aborted an unfinished multipart upload');
    aborted++;
  }
  return aborted;
}
