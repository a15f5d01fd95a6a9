import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';

/** A pass-through that counts and hashes (SHA-256) what flows through it. */
export function byteMeter(onBytes: (total: number) => void = () => {}): Transform & {
  bytes(): number;
  sha256(): string;
} {
  const hash = createHash('sha256');
  let total = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      total += chunk.length;
      onBytes(total);
      callback(null, chunk);
    },
  });
  let digest: string | undefined;
  return Object.assign(meter, {
    bytes: () => total,
    sha256: () => {
      digest ??= hash.digest('hex');
      return digest;
    },
  });
}
