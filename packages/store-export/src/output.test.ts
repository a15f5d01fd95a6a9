import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Output } from './output.js';

const ZSTD_MAGIC = Buffer.from([0x28, 0xb5, 0x2f, 0xfd]);

/** How many zstd frames start in `bytes`: each frame is one compressed piece, a frame starts with the magic number. */
function frames(bytes: Buffer): number {
  let count = 0;
  for (let at = bytes.indexOf(ZSTD_MAGIC); at !== -1; at = bytes.indexOf(ZSTD_MAGIC, at + 1)) count++;
  return count;
}

/** `n` bytes of numbered lines, different from every other call's. */
let piece = 0;
function lines(n: number): Buffer {
  const first = piece++;
  let text = '';
  for (let i = 0; text.length < n; i++) text += `${first},${i},${(i * 7919) % 10007}\n`;
  return Buffer.from(text.slice(0, n));
}

describe('zstd output', () => {
  let dir = '';
  afterEach(async () => {
    if (dir !== '') await rm(dir, { recursive: true, force: true });
  });

  it('writes a frame per 2 MiB of input, a large write alone, the small ones joined, and decompresses to every byte in order', async () => {
    dir = await mkdtemp(join(tmpdir(), 'wattbus-output-'));
    const path = join(dir, 'out.csv.zst');
    const output = new Output(path, 'zstd');
    // small writes joined until 2 MiB, one write larger than a frame alone, then a small remainder at the end
    const written = [...Array.from({ length: 40 }, () => lines(64 * 1024)), lines(3 * 1024 * 1024), lines(1000)];
    for (const chunk of written) await output.write(chunk);
    await output.finish();
    const bytes = await readFile(path);
    expect(output.bytes).toBe(bytes.length);
    expect(frames(bytes)).toBe(4); // 32 small (2 MiB), the 8 small before the large one, the large one, the rest
    expect(execFileSync('zstd', ['-d', '-c', path], { maxBuffer: 64 << 20 }).equals(Buffer.concat(written))).toBe(true);
    expect(await readdir(dir)).toEqual(['out.csv.zst']);
  });
});
