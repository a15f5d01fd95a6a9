import { describe, expect, it } from 'vitest';
import { backoffDelay, reconnectDelay } from './backoff.js';

describe('backoffDelay', () => {
  it('grows exponentially up to the ceiling, with full jitter between min and the step ceiling', () => {
    expect([0, 1, 2, 3, 10].map((n) => backoffDelay(n, 1000, 30_000, () => 1))).toEqual([
      1000, 2000, 4000, 8000, 30_000,
    ]);
    expect(backoffDelay(5, 1000, 30_000, () => 0)).toBe(1000);
    expect(backoffDelay(3, 1000, 30_000, () => 0.5)).toBe(4500);
    expect(backoffDelay(1e6, 1000, 30_000, () => 1)).toBe(30_000);
  });
});

describe('reconnectDelay', () => {
  it('grows once per full turn through the broker list, and per attempt with one broker', () => {
    const ceilings = (brokers: number) =>
      [0, 1, 2, 3, 4, 5, 6].map((failures) => reconnectDelay(failures, brokers, 1000, 30_000, () => 1));
    expect(ceilings(3)).toEqual([1000, 1000, 1000, 2000, 2000, 2000, 4000]);
    expect(ceilings(2)).toEqual([1000, 1000, 2000, 2000, 4000, 4000, 8000]);
    expect(ceilings(1)).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]);
  });
});
