import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { freePort, type ProcessHandle, startProcess, type TempDir, tempDir } from '@wattbus/testkit';

export interface S3Server {
  endpoint: string;
  bucket: string;
  /** Where s3rver keeps the bucket's files (`<dataDir>/<bucket>/<key>._S3rver_object`). */
  dataDir: string;
  /** s3rver's fixed account. */
  accessKeyId: string;
  secretAccessKey: string;
  /** Multipart uploads created and neither completed nor aborted, as s3rver keeps them on disk. */
  unfinishedUploads(): string[];
  process: ProcessHandle;
  stop(): Promise<void>;
}

const MAIN = resolve(import.meta.dirname, 's3rver-main.ts');

/** s3rver in a child process on a free port and a temp dir (see s3rver-main.ts). */
export async function startS3Server(options: { bucket?: string; stallPart?: number } = {}): Promise<S3Server> {
  const bucket = options.bucket ?? 'wattbus-backups';
  const dir: TempDir = await tempDir('wattbus-s3-');
  const port = await freePort();
  const args = ['--import', 'tsx', MAIN, String(port), dir.path, bucket];
  if (options.stallPart) args.push(String(options.stallPart));
  const proc = await startProcess(process.execPath, args, { readyWhen: /s3rver listening/, cwd: import.meta.dirname });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bucket,
    dataDir: dir.path,
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    unfinishedUploads: () => {
      try {
        return readdirSync(join(dir.path, bucket, '._S3rver_uploads'));
      } catch {
        return [];
      }
    },
    process: proc,
    async stop() {
      await proc.stop();
      await dir.cleanup();
    },
  };
}
