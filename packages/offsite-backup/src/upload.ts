import { statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { AbortMultipartUploadCommand } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { Logger } from 'pino';
import {
  abortUnfinishedUploads,
  applyRetention,
  dataKey,
  type Manifest,
  makeClient,
  NAME,
  writeManifest,
} from './bucket.js';
import { byteMeter } from './byte-meter.js';
import type { OffsiteConfig } from './config.js';
import { encryptStream } from './encryption.js';
import { progress } from './progress.js';
import { packDirectory } from './tar.js';

/**
 * Uploads one local backup directory as a tar (encrypted when a key is configured) with a multipart upload,
 * then its manifest, then applies retention. `signal` (SIGTERM) aborts the multipart upload on the server.
 */
export async function uploadBackup(
  config: OffsiteConfig,
  dir: string,
  log: Logger,
  signal?: AbortSignal,
): Promise<Manifest> {
  const name = basename(resolve(dir));
  if (!NAME.test(name)) throw new Error(`backup name '${name}' may hold only letters, digits, '.', '_' and '-'`);
  if (!statSync(dir).isDirectory()) throw new Error(`${dir} is not a directory`);
  const client = makeClient(config);
  await abortUnfinishedUploads(client, config, log);
  // lib-storage keeps sending parts after its abort() (it aborts on the server only once they end), and the SDK
  // retries a part whose connection was dropped: once stopped, this client sends nothing more, not even a
  // retry (the deserialize step runs for every attempt), so no part is stored after the upload is aborted.
  let stopped = false;
  client.middlewareStack.add((next) => (args) => (stopped ? Promise.reject(new Error('upload stopped')) : next(args)), {
    step: 'deserialize',
    name: 'stopAfterFailure',
  });

  const encrypted = config.encryptionKey !== undefined;
  const key = dataKey(config, name, encrypted);
  const shown = progress(log, { op: 'upload', backup: name }, { everyBytes: config.partSizeBytes });
  const meter = byteMeter();
  const packing = pipeline([
    packDirectory(dir),
    ...(config.encryptionKey ? [encryptStream(config.encryptionKey)] : []),
    meter,
  ]);
  // The upload reads `meter` while the pipeline fills it; a failed tar errors both.
  const upload = new Upload({
    client,
    params: { Bucket: config.bucket, Key: key, Body: meter, ContentType: 'application/x-tar' },
    partSize: config.partSizeBytes,
    queueSize: 2,
    leavePartsOnError: false,
  });
  upload.on('httpUploadProgress', (p) => shown.update(p.loaded ?? 0));
  const onAbort = () => void upload.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  log.info({ backup: name, object: key, encrypted }, 'upload started');
  try {
    await Promise.all([upload.done(), packing]);
  } catch (err) {
    stopped = true;
    meter.destroy();
    client.destroy(); // drops parts in flight
    // A part stored after the abort would outlive it: abort only now, with a new client.
    if (upload.uploadId) {
      const aborter = makeClient(config);
      await aborter
        .send(new AbortMultipartUploadCommand({ Bucket: config.bucket, Key: key, UploadId: upload.uploadId }))
        .then(() => log.info({ object: key, upload_id: upload.uploadId }, 'aborted the multipart upload'))
        .catch((e: Error) => log.warn({ err: e.name, upload_id: upload.uploadId }, 'could not abort the upload'))
        .finally(() => aborter.destroy());
    }
    throw signal?.aborted ? new Error(`upload of ${name} interrupted`) : err;
  } finally {
    shown.end();
    signal?.removeEventListener('abort', onAbort);
  }

  const manifest: Manifest = {
    format: 1,
    name,
    object: key,
    bytes: meter.bytes(),
    sha256: meter.sha256(),
    encrypted,
    created_at: new Date().toISOString(),
  };
  await writeManifest(client, config, manifest);
  log.info({ backup: name, object: key, bytes: manifest.bytes, encrypted }, 'uploaded');
  await applyRetention(client, config, log);
  return manifest;
}
