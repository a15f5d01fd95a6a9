import { describe, expect, it } from 'vitest';
import { rand, valueNoise } from './random.js';

describe('rand', () => {
  it('is a pure function of (seed, stream, slot) in [0, 1)', () => {
    expect(rand(1, 2, 1_718_928_000_123)).toBe(rand(1, 2, 1_718_928_000_123));
    expect(rand(1, 2, 3)).not.toBe(rand(2, 2, 3));
    expect(rand(1, 2, 3)).not.toBe(rand(1, 3, 3));
    // slots differing only in their high 32 bits differ too
    expect(rand(1, 2, 5)).not.toBe(rand(1, 2, 5 + 2 ** 32));
    let sum = 0;
    for (let i = 0; i < 10_000; i++) {
      const r = rand(7, 1, i);
      expect(r).toBeGreaterThanOrEqual(0);
      expect(r).toBeLessThan(1);
      sum += r;
    }
    expect(sum / 10_000).toBeCloseTo(0.5, 1);
  });

  it('handles negative slots and seeds beyond 32 bits', () => {
    expect(rand(2 ** 40 + 1, 0, -5)).toBe(rand(2 ** 40 + 1, 0, -5));
    expect(rand(2 ** 40 + 1, 0, -5)).not.toBe(rand(1, 0, -5));
  });
});

describe('valueNoise', () => {
  it('is continuous between slots and within [-1, 1]', () => {
    let prev = valueNoise(1, 1, 0, 1000);
    for (let t = 1; t < 20_000; t++) {
      const v = valueNoise(1, 1, t, 1000);
      expect(Math.abs(v)).toBeLessThanOrEqual(1);
      expect(Math.abs(v - prev)).toBeLessThan(0.01);
      prev = v;
    }
  });
});
