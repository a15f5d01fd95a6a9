import { describe, expect, it } from 'vitest';
import { BUSY, CheckBudget } from './check-budget.js';

/** A check that ends when the test says so. */
function pending() {
  let end = () => {};
  const done = new Promise<void>((resolve) => {
    end = resolve;
  });
  return { check: () => done.then(() => 'ok'), end };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('CheckBudget', () => {
  it('runs at most `concurrency` checks, queues up to `queue` in order, refuses the rest at once', async () => {
    const budget = new CheckBudget({ concurrency: 2, perSecond: 1000, burst: 1000, queue: 3 });
    const started: number[] = [];
    const checks = Array.from({ length: 8 }, () => pending());
    const results = checks.map((c, i) =>
      budget.run(() => {
        started.push(i);
        return c.check();
      }),
    );
    await tick();
    expect(started).toEqual([0, 1]);
    expect(await Promise.all(results.slice(5))).toEqual([BUSY, BUSY, BUSY]);
    expect(budget.refusedInARow).toBe(3);
    checks[1]?.end();
    await tick();
    expect(started).toEqual([0, 1, 2]);
    for (const c of checks) c.end();
    expect(await Promise.all(results.slice(0, 5))).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(await budget.run(async () => 'again')).toBe('again');
    expect(budget.refusedInARow).toBe(0);
  });

  it('starts no more than `burst` at once, then `perSecond`', async () => {
    const clock = { now: 0 };
    // A token every 1000 s: no timer fires during the test, the clock alone decides.
    const budget = new CheckBudget({ concurrency: 100, perSecond: 0.001, burst: 3, queue: 1, now: () => clock.now });
    let ran = 0;
    const check = async () => ++ran;
    const results = await Promise.all([1, 2, 3].map(() => budget.run(check)));
    expect(results).toEqual([1, 2, 3]);
    const queued = budget.run(check);
    expect(await budget.run(check)).toBe(BUSY);
    expect(ran).toBe(3);
    clock.now += 1_000_000; // one token back: the queued check goes first, the next one queues
    const next = budget.run(check);
    expect(await queued).toBe(4);
    expect(ran).toBe(4);
    clock.now += 2_000_000; // two tokens back: the queued check and a new one both start
    expect((await Promise.all([next, budget.run(check)])).sort()).toEqual([5, 6]);
  });
});
