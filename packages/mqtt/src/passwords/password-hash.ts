import { createHash, pbkdf2, randomBytes, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const pbkdf2Async = promisify(pbkdf2);

/** What mosquitto_passwd 2.0 writes. Agent passwords are random machine secrets, so key stretching buys
 * little, while every (re)connect of thousands of agents pays it; raise it per user with --iterations. */
export const DEFAULT_ITERATIONS = 101;
// mosquitto refuses entries whose salt or hash has any other length.
const SALT_BYTES = 12;
const HASH_BYTES = 64;

/** A decoded password file hash: `$7$<iterations>$<salt>$<hash>` (PBKDF2-SHA512) or `$6$<salt>$<hash>` (SHA512). */
export type PasswordHash =
  | { type: 'pbkdf2-sha512'; iterations: number; salt: Buffer; hash: Buffer }
  | { type: 'sha512'; salt: Buffer; hash: Buffer };

/** Decodes the hash part of a password file line; throws an Error saying what is wrong. */
export function parsePasswordHash(text: string): PasswordHash {
  const parts = text.split('$');
  if (parts[0] !== '' || (parts[1] !== '6' && parts[1] !== '7')) {
    throw new Error('not a mosquitto hash ($6$ or $7$); plain text passwords are not accepted');
  }
  const pbkdf2Hash = parts[1] === '7';
  const [iterationsText, saltText, hashText] = pbkdf2Hash ? parts.slice(2) : ['', ...parts.slice(2)];
  const salt = Buffer.from(saltText ?? '', 'base64');
  const hash = Buffer.from(hashText ?? '', 'base64');
  if (salt.length !== SALT_BYTES) throw new Error(`salt must be ${SALT_BYTES} bytes, got ${salt.length}`);
  if (hash.length !== HASH_BYTES) throw new Error(`hash must be ${HASH_BYTES} bytes, got ${hash.length}`);
  if (!pbkdf2Hash) return { type: 'sha512', salt, hash };
  const iterations = Number(iterationsText);
  if (!Number.isInteger(iterations) || iterations < 1) {
    throw new Error(`iterations must be a positive integer, got "${iterationsText}"`);
  }
  return { type: 'pbkdf2-sha512', iterations, salt, hash };
}

export function formatPasswordHash(h: PasswordHash): string {
  const tail = `${h.salt.toString('base64')}$${h.hash.toString('base64')}`;
  return h.type === 'sha512' ? `$6$${tail}` : `$7$${h.iterations}$${tail}`;
}

async function digest(password: Buffer, h: PasswordHash): Promise<Buffer> {
  if (h.type === 'sha512') return createHash('sha512').update(password).update(h.salt).digest();
  return pbkdf2Async(password, h.salt, h.iterations, HASH_BYTES, 'sha512');
}

/** A new PBKDF2-SHA512 hash with a random salt, as mosquitto_passwd makes it. */
export async function hashPassword(password: string, iterations = DEFAULT_ITERATIONS): Promise<PasswordHash> {
  const salt = randomBytes(SALT_BYTES);
  const partial: PasswordHash = { type: 'pbkdf2-sha512', iterations, salt, hash: Buffer.alloc(0) };
  return { ...partial, hash: await digest(Buffer.from(password, 'utf8'), partial) };
}

/** Constant-time comparison; the PBKDF2 work runs on the libuv thread pool, not the event loop. */
export async function verifyPassword(password: Buffer, h: PasswordHash): Promise<boolean> {
  return timingSafeEqual(await digest(password, h), h.hash);
}
