import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { DecryptionError, decryptStream, encryptStream } from './encryption.js';

const KIB = 1024;
const key = randomBytes(32);
/** Feeds `data` in pieces of `piece` bytes, as a file or socket would. */
const through = (data: Buffer, transform: NodeJS.ReadWriteStream, piece = 10_000) =>
  buffer(
    Readable.from(
      Array.from({ length: Math.ceil(data.length / piece) || 0 }, (_, i) => data.subarray(i * piece, (i + 1) * piece)),
    ).pipe(transform),
  );

describe('chunked AES-256-GCM backup encryption', () => {
  it.each([0, 1, 64 * KIB - 1, 64 * KIB, 64 * KIB + 1, 3 * 64 * KIB, 1000 * KIB + 7])(
    'round-trips %i bytes, and the ciphertext grows only by the header and one tag per 64 KiB',
    async (size) => {
      const plain = randomBytes(size);
      const sealed = await through(plain, encryptStream(key));
      expect(sealed.length).toBe(56 + size + 16 * Math.max(1, Math.ceil(size / (64 * KIB))));
      expect(sealed.includes(plain.subarray(0, 32)) && size >= 32).toBe(false);
      expect((await through(sealed, decryptStream(key), 7_777)).equals(plain)).toBe(true);
    },
  );

  it('gives each backup its own key: the same plaintext encrypts differently', async () => {
    const plain = Buffer.alloc(1000, 7);
    expect((await through(plain, encryptStream(key))).equals(await through(plain, encryptStream(key)))).toBe(false);
  });

  it('refuses a wrong key before any chunk, naming it as such', async () => {
    const sealed = await through(randomBytes(100 * KIB), encryptStream(key));
    await expect(through(sealed, decryptStream(randomBytes(32)))).rejects.toThrow(/wrong encryption key/);
  });

  it('refuses an altered byte, a dropped last chunk, a truncated tail and appended data', async () => {
    const sealed = await through(randomBytes(200 * KIB), encryptStream(key));
    const chunk = 64 * KIB + 16;
    const altered = Buffer.from(sealed);
    altered[56 + chunk + 5] = (altered[56 + chunk + 5] as number) ^ 0x40;
    const cases = {
      altered,
      droppedLast: sealed.subarray(0, 56 + 3 * chunk),
      truncated: sealed.subarray(0, sealed.length - 1),
      appended: Buffer.concat([sealed, randomBytes(20)]),
      headerOnly: sealed.subarray(0, 40),
    };
    for (const [what, bytes] of Object.entries(cases)) {
      const err = await through(bytes, decryptStream(key)).catch((e: Error) => e);
      expect(err, what).toBeInstanceOf(DecryptionError);
    }
    const reordered = Buffer.concat([
      sealed.subarray(0, 56),
      sealed.subarray(56 + chunk, 56 + 2 * chunk),
      sealed.subarray(56, 56 + chunk),
      sealed.subarray(56 + 2 * chunk),
    ]);
    await expect(through(reordered, decryptStream(key))).rejects.toThrow(/chunk 0 failed authentication/);
  });
});
