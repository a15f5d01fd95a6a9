import { createCipheriv, createDecipheriv, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

/*
 * Streamed authenticated encryption of a backup: AES-256-GCM over 64 KiB chunks, in the spirit of age's STREAM
 * construction. One GCM operation over a whole backup would release plaintext before its single tag is checked
 * and caps a message at 64 GiB; per-chunk tags let decryption refuse the first altered chunk, and the nonce's
 * counter and "last chunk" flag make reordered, dropped or truncated chunks fail too.
 *
 *   header: MAGIC (8) | salt (32) | key check (16)
 *   chunks: AES-256-GCM(chunk ≤ 64 KiB) | tag (16), nonce = 11-byte big-endian counter | last ? 1 : 0
 *
 * The file key and the key check come from HKDF-SHA256(key, salt): a fresh random salt per backup gives each
 * backup its own key, so counters never repeat a nonce under one key, and a wrong key is told apart from a
 * damaged backup before any chunk is read.
 */
const MAGIC = Buffer.from('WBBKGCM1');
const SALT_BYTES = 32;
const CHECK_BYTES = 16;
const HEADER_BYTES = MAGIC.length + SALT_BYTES + CHECK_BYTES;
const CHUNK_BYTES = 64 * 1024;
const TAG_BYTES = 16;
const SEALED_BYTES = CHUNK_BYTES + TAG_BYTES;

export class DecryptionError extends Error {
  override name = 'DecryptionError';
}

function derive(key: Buffer, salt: Buffer): { fileKey: Buffer; check: Buffer } {
  const okm = Buffer.from(hkdfSync('sha256', key, salt, 'wattbus offsite backup v1', 32 + CHECK_BYTES));
  return { fileKey: okm.subarray(0, 32), check: okm.subarray(32) };
}

function nonce(counter: number, last: boolean): Buffer {
  const n = Buffer.alloc(12);
  n.writeUIntBE(counter, 5, 6);
  n[11] = last ? 1 : 0;
  return n;
}

/** Plaintext in, the encrypted format out. */
export function encryptStream(key: Buffer): Transform {
  const salt = randomBytes(SALT_BYTES);
  const { fileKey, check } = derive(key, salt);
  let pending: Buffer = Buffer.alloc(0);
  let counter = 0;
  const seal = (plain: Buffer, last: boolean) => {
    const cipher = createCipheriv('aes-256-gcm', fileKey, nonce(counter++, last));
    return Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
  };
  return new Transform({
    construct(callback) {
      this.push(Buffer.concat([MAGIC, salt, check]));
      callback();
    },
    transform(data: Buffer, _encoding, callback: TransformCallback) {
      pending = pending.length === 0 ? data : Buffer.concat([pending, data]);
      // Keep at least one byte back: the last chunk must be sealed as the last one.
      while (pending.length > CHUNK_BYTES) {
        this.push(seal(pending.subarray(0, CHUNK_BYTES), false));
        pending = pending.subarray(CHUNK_BYTES);
      }
      callback();
    },
    flush(callback: TransformCallback) {
      this.push(seal(pending, true));
      callback();
    },
  });
}

/** The encrypted format in, plaintext out; errors with a DecryptionError on a wrong key or any alteration. */
export function decryptStream(key: Buffer): Transform {
  let pending: Buffer = Buffer.alloc(0);
  let fileKey: Buffer | undefined;
  let counter = 0;
  const open = (sealed: Buffer, last: boolean) => {
    const decipher = createDecipheriv('aes-256-gcm', fileKey as Buffer, nonce(counter, last));
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    try {
      const plain = Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)), decipher.final()]);
      counter++;
      return plain;
    } catch {
      throw new DecryptionError(
        `chunk ${counter} failed authentication: the backup is damaged, truncated or was altered`,
      );
    }
  };
  const readHeader = () => {
    if (!pending.subarray(0, MAGIC.length).equals(MAGIC)) {
      throw new DecryptionError('not an encrypted wattbus backup (unknown header)');
    }
    const salt = pending.subarray(MAGIC.length, MAGIC.length + SALT_BYTES);
    const derived = derive(key, salt);
    if (!timingSafeEqual(derived.check, pending.subarray(MAGIC.length + SALT_BYTES, HEADER_BYTES))) {
      throw new DecryptionError('wrong encryption key: this backup was encrypted with another key');
    }
    fileKey = derived.fileKey;
    pending = pending.subarray(HEADER_BYTES);
  };
  return new Transform({
    transform(data: Buffer, _encoding, callback: TransformCallback) {
      try {
        pending = pending.length === 0 ? data : Buffer.concat([pending, data]);
        if (!fileKey && pending.length >= HEADER_BYTES) readHeader();
        // A full chunk followed by more data is not the last one.
        while (fileKey && pending.length > SEALED_BYTES) {
          this.push(open(pending.subarray(0, SEALED_BYTES), false));
          pending = pending.subarray(SEALED_BYTES);
        }
        callback();
      } catch (err) {
        callback(err as Error);
      }
    },
    flush(callback: TransformCallback) {
      try {
        if (!fileKey && pending.length >= HEADER_BYTES) readHeader();
        if (!fileKey || pending.length < TAG_BYTES) throw new DecryptionError('the encrypted backup is truncated');
        this.push(open(pending, true));
        callback();
      } catch (err) {
        callback(err as Error);
      }
    },
  });
}
