/** A seeded random source, so a failing run can be replayed with WATTBUS_FAULT_SEED=<seed>. */
export interface Rng {
  seed: number;
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max]. */
  int(min: number, max: number): number;
  /** Uniform in [min, max). */
  bytes(n: number): Buffer;
}

/** mulberry32: small, fast, good enough to place faults and make garbage. */
export function makeRng(seed: number): Rng {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return {
    seed,
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    bytes: (n) => Buffer.from(Array.from({ length: n }, () => Math.floor(next() * 256))),
  };
}

/** The seed of this run: WATTBUS_FAULT_SEED if set, else a fresh one. */
export function faultSeed(env: NodeJS.ProcessEnv = process.env): number {
  const given = env.WATTBUS_FAULT_SEED;
  if (given !== undefined && given !== '') {
    const n = Number(given);
    if (!Number.isSafeInteger(n) || n < 0)
      throw new Error(`WATTBUS_FAULT_SEED must be a non-negative integer, got "${given}"`);
    return n;
  }
  return Math.floor(Math.random() * 2 ** 31);
}

/**
 * `count` fault times in ms within [from, to) of a stream, sorted, at least `gap` apart (so each fault has
 * recovered before the next one lands).
 */
export function faultTimes(rng: Rng, count: number, from: number, to: number, gap: number): number[] {
  const slot = (to - from) / count;
  if (slot < gap) throw new Error(`cannot place ${count} faults ${gap} ms apart in ${to - from} ms`);
  // one fault per slot, anywhere in the slot except its last `gap` ms
  return Array.from({ length: count }, (_, i) => Math.round(from + i * slot + rng.next() * (slot - gap)));
}
