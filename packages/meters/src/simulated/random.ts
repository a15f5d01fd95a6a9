/**
 * Stateless seeded randomness: a value is a hash of (seed, stream, slot), so the same inputs always give
 * the same number and nothing has to be remembered between calls.
 */

const TWO_32 = 0x1_0000_0000;

function mix(h: number, word: number): number {
  let k = Math.imul(word, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  let x = h ^ k;
  x = (x << 13) | (x >>> 19);
  return (Math.imul(x, 5) + 0xe6546b64) | 0;
}

function finish(h: number): number {
  let x = h ^ (h >>> 16);
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Low and high 32-bit words of an integer (safe integers, negative ones included). */
function words(n: number): [number, number] {
  const i = Math.floor(n);
  return [i >>> 0, Math.floor(i / TWO_32) >>> 0];
}

/** A uniform number in [0, 1) determined by `seed`, a `stream` id (one per use) and a `slot` (time bucket). */
export function rand(seed: number, stream: number, slot: number): number {
  const [s0, s1] = words(seed);
  const [t0, t1] = words(slot);
  let h = 0x9e3779b9;
  h = mix(h, s0);
  h = mix(h, s1);
  h = mix(h, stream);
  h = mix(h, t0);
  h = mix(h, t1);
  return finish(h) / TWO_32;
}

/** A uniform number in [-1, 1). */
export function signedRand(seed: number, stream: number, slot: number): number {
  return rand(seed, stream, slot) * 2 - 1;
}

/**
 * Smooth value noise in [-1, 1]: random values at every `slotMs` boundary, eased in between, so a quantity
 * drifts instead of jumping.
 */
export function valueNoise(seed: number, stream: number, t: number, slotMs: number): number {
  const pos = t / slotMs;
  const slot = Math.floor(pos);
  const f = pos - slot;
  const ease = f * f * (3 - 2 * f);
  const a = signedRand(seed, stream, slot);
  const b = signedRand(seed, stream, slot + 1);
  return a + (b - a) * ease;
}
