import { describe, expect, it } from 'vitest';
import { CATCH_UP_MAX_MS, CATCH_UP_SETTLE_MS, CatchUp } from './catch-up.js';

const T = 1_763_800_000_000;

describe('CatchUp', () => {
  it('is not done while disconnected, and done a settle time after connecting when nothing was kept', () => {
    const c = new CatchUp();
    expect(c.done(T)).toBe(false);
    c.connected(T);
    c.reading(T + 10, T + 20); // live: measured after the connection
    expect(c.done(T + CATCH_UP_SETTLE_MS - 1)).toBe(false);
    expect(c.done(T + CATCH_UP_SETTLE_MS)).toBe(true);
  });

  it('waits until readings measured before the connection stop coming, then stays done', () => {
    const c = new CatchUp();
    c.connected(T);
    c.reading(T - 300_000, T + 500);
    c.reading(T - 200_000, T + 1200);
    expect(c.done(T + 1200 + CATCH_UP_SETTLE_MS - 1)).toBe(false);
    expect(c.done(T + 1200 + CATCH_UP_SETTLE_MS)).toBe(true);
    c.reading(T - 100_000, T + 3000); // an agent replaying its own backlog later: history, not ours
    expect(c.done(T + 3001)).toBe(true);
  });

  it('gives up waiting after the maximum, and starts again on each reconnection', () => {
    const c = new CatchUp();
    c.connected(T);
    for (let now = T; now < T + CATCH_UP_MAX_MS; now += 500) {
      c.reading(T - 1, now);
      expect(c.done(now)).toBe(false);
    }
    expect(c.done(T + CATCH_UP_MAX_MS)).toBe(true);
    c.disconnected();
    expect(c.done(T + CATCH_UP_MAX_MS + 1)).toBe(false);
    c.connected(T + 2 * CATCH_UP_MAX_MS);
    expect(c.done(T + 2 * CATCH_UP_MAX_MS + CATCH_UP_SETTLE_MS)).toBe(true);
  });
});
