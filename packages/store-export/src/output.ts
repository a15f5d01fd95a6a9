import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Transform, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { constants, createGzip } from 'node:zlib';
import { compress as zstdCompress } from '@mongodb-js/zstd';

export type Compression = 'none' | 'gzip' | 'zstd';

/**
 * Each zstd frame holds at least this much input: frames are independent, so memory stays bounded (see README). A
 * write this large (a batch of rows usually is) is a frame of its own, not copied into a joined buffer: that copy
 * cost a tenth of a JSON lines export.
 */
const ZSTD_FRAME_BYTES = 2 * 1024 * 1024;
const ZSTD_LEVEL = 3;
/**
 * What each stage may hold before a write waits: with Node's 16 KiB default every batch waited for the disk (or
 * the compressor) before the next page was read; with room for a few batches, reading the store, compressing and
 * writing overlap, and memory stays bounded.
 */
const STAGE_BYTES = 8 * 1024 * 1024;

/**
 * zstd in independent frames of at least 2 MiB of input each. Node 20's zlib has no zstd and the maintained bindings
 * compress whole buffers, so the stream is a sequence of frames: the zstd format allows that, and `zstd -d`,
 * DuckDB, pandas and every reader decompress them as one stream. The cost is a slightly worse ratio.
 */
function zstdFrames(): Transform {
  let pending: Buffer[] = [];
  let size = 0;
  const flushFrame = async (stream: Transform) => {
    if (size === 0) return;
    const input = pending.length === 1 ? (pending[0] as Buffer) : Buffer.concat(pending, size);
    pending = [];
    size = 0;
    stream.push(await zstdCompress(input, ZSTD_LEVEL));
  };
  return new Transform({
    highWaterMark: STAGE_BYTES,
    transform(chunk: Buffer, _enc, done) {
      const large = chunk.length >= ZSTD_FRAME_BYTES;
      (large ? flushFrame(this) : Promise.resolve())
        .then(() => {
          pending.push(chunk);
          size += chunk.length;
          return size >= ZSTD_FRAME_BYTES ? flushFrame(this) : undefined;
        })
        .then(() => done(), done);
    },
    flush(done) {
      flushFrame(this).then(() => done(), done);
    },
  });
}

function compressor(kind: Compression): Transform | undefined {
  if (kind === 'gzip') return createGzip({ level: constants.Z_DEFAULT_COMPRESSION });
  if (kind === 'zstd') return zstdFrames();
  return undefined;
}

/**
 * Where the bytes go: a file, written under a temporary name beside it and renamed only once complete, so an
 * interrupted or failed run never leaves a partial file under the final name; or stdout. Counts the bytes
 * written (after compression).
 */
export class Output {
  bytes = 0;
  private readonly input: Writable;
  private readonly done: Promise<void>;
  private readonly temp: string | undefined;

  constructor(
    private readonly path: string | undefined,
    compression: Compression,
    stdout: Writable = process.stdout,
  ) {
    this.temp = path === undefined ? undefined : join(dirname(path), `.${basename(path)}.${process.pid}.partial`);
    const destination =
      this.temp === undefined ? stdout : createWriteStream(this.temp, { flags: 'wx', highWaterMark: STAGE_BYTES });
    const counter = new Transform({
      highWaterMark: STAGE_BYTES,
      transform: (chunk: Buffer, _enc, next) => {
        this.bytes += chunk.length;
        next(null, chunk);
      },
    });
    const zip = compressor(compression);
    this.input = zip ?? counter;
    const stages: Array<NodeJS.ReadWriteStream | Writable> = zip ? [zip, counter, destination] : [counter, destination];
    // stdout must stay open for whatever is printed after the data
    this.done = pipeline(stages as [Transform, ...Writable[]], { end: this.temp !== undefined });
    this.done.catch(() => {});
  }

  /** Writes, waiting while the destination is behind (bounded memory). */
  async write(chunk: string | Uint8Array): Promise<void> {
    if (!this.input.write(chunk)) {
      await Promise.race([once(this.input, 'drain'), this.done]);
    }
  }

  /** Ends the data and gives the file its final name. */
  async finish(): Promise<void> {
    this.input.end();
    await this.done;
    if (this.temp !== undefined && this.path !== undefined) await rename(this.temp, this.path);
  }

  /** Stops writing and removes the temporary file. */
  async abandon(): Promise<void> {
    this.input.destroy();
    await this.done.catch(() => {});
    if (this.temp !== undefined) await rm(this.temp, { force: true });
  }
}
