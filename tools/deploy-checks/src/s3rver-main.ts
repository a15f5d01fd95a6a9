/**
 * An S3-compatible server for the off-site backup tests, in its own process (so a test can stop it or kill
 * what talks to it): @20minutes/s3rver (a maintained fork of s3rver; the original's last release is from 2021)
 * on 127.0.0.1, storing under a temp directory.
 *
 *   s3rver-main.ts <port> <dir> <bucket> [stall-part]
 *
 * s3rver implements multipart uploads (create, upload part, complete) but not ListMultipartUploads nor
 * AbortMultipartUpload; both are added here over s3rver's own store layout (<dir>/<bucket>/._S3rver_uploads/<id>/key),
 * so the uploader's clean-up of interrupted uploads goes over HTTP as it would with a provider.
 * With stall-part N, the first upload of part N is held without an answer (once), to interrupt an upload
 * mid-way at a known point; "stalled part N" is printed then.
 */
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import S3rver from '@20minutes/s3rver';

const [port, dir, bucket, stallPart] = process.argv.slice(2) as [string, string, string, string | undefined];
const uploadsDir = join(dir, bucket, '._S3rver_uploads');
const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

interface Ctx {
  method: string;
  path: string;
  query: Record<string, string | string[] | undefined>;
  status: number;
  type: string;
  body: unknown;
}

const server = new S3rver({
  address: '127.0.0.1',
  port: Number(port),
  directory: dir,
  silent: true,
  vhostBuckets: false,
  // s3rver 4.0.4 computes the v4 signature of bucket-level GETs (ListObjectsV2, ListMultipartUploads) unlike
  // the AWS SDK and refuses them; the access key id is still checked.
  allowMismatchedSignatures: true,
  configureBuckets: [{ name: bucket }],
});
let stalled = false;
(server as unknown as { middleware: ((ctx: Ctx, next: () => Promise<void>) => Promise<void>)[] }).middleware.unshift(
  async (ctx, next) => {
    if (!stalled && stallPart && ctx.method === 'PUT' && ctx.query.partNumber === stallPart) {
      stalled = true;
      console.log(`stalled part ${stallPart}`);
      await new Promise(() => {});
    }
    if (ctx.method === 'GET' && ctx.path.replace(/\/$/, '') === `/${bucket}` && 'uploads' in ctx.query) {
      const prefix = String(ctx.query.prefix ?? '');
      const ids = await readdir(uploadsDir).catch(() => [] as string[]);
      const uploads: string[] = [];
      for (const id of ids) {
        const key = await readFile(join(uploadsDir, id, 'key'), 'utf8');
        const initiated = (await stat(join(uploadsDir, id))).mtime.toISOString();
        if (key.startsWith(prefix)) {
          uploads.push(
            `<Upload><Key>${xml(key)}</Key><UploadId>${id}</UploadId><Initiated>${initiated}</Initiated></Upload>`,
          );
        }
      }
      ctx.type = 'application/xml';
      ctx.body = `<?xml version="1.0" encoding="UTF-8"?>\n<ListMultipartUploadsResult><Bucket>${bucket}</Bucket><Prefix>${xml(prefix)}</Prefix><IsTruncated>false</IsTruncated>${uploads.join('')}</ListMultipartUploadsResult>`;
      return;
    }
    const id = ctx.query.uploadId;
    if (ctx.method === 'DELETE' && typeof id === 'string' && /^[0-9a-f]+$/.test(id)) {
      await rm(join(uploadsDir, id), { recursive: true, force: true });
      ctx.status = 204;
      return;
    }
    await next();
  },
);
await server.run();
console.log(`s3rver listening on 127.0.0.1:${port}`);
