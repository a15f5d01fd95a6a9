import { describe, expect, it } from 'vitest';
import { RateCounter } from './rate.js';

const T = 1_800_000_000_000;

describe('RateCounter', () => {
  it('is 0 before any event', () => {
    expect(new RateCounter().rate(T)).toBe(0);
  });

  it('counts a steady stream exactly once the window is full', () => {
    const r = new RateCounter(10_000);
    // 3 channels read together every second, for 30 s
    for (let s = 0; s < 30; s++) r.add(T + s * 1000, 3);
    expect(r.rate(T + 29_000)).toBe(3);
    expect(r.rate(T + 29_500)).toBe(3);
  });

  it('is about right from the first event instead of climbing over the window', () => {
    const r = new RateCounter(10_000);
    r.add(T, 2);
    expect(r.rate(T)).toBe(2);
    r.add(T + 1000, 2);
    expect(r.rate(T + 1000)).toBe(2);
    r.add(T + 2000, 2);
    expect(r.rate(T + 2500)).toBeCloseTo(6 / 3.5, 5);
  });

  it('only counts the last window: a silent source decays to 0', () => {
    const r = new RateCounter(10_000);
    for (let s = 0; s < 20; s++) r.add(T + s * 1000);
    expect(r.rate(T + 19_000)).toBe(1);
    // silent from T+19 s on: after 5 s half of the window is empty
    expect(r.rate(T + 24_000)).toBe(0.5);
    expect(r.rate(T + 29_000)).toBe(0);
    expect(r.rate(T + 60_000)).toBe(0);
  });

  it('uses its own window length', () => {
    const r = new RateCounter(2000);
    for (let ms = 0; ms <= 10_000; ms += 100) r.add(T + ms);
    expect(r.rate(T + 10_000)).toBe(10);
  });
});
