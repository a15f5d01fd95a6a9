import { expect, it } from 'vitest';
import { forEachLimited } from './limited.js';

it('runs at most `limit` calls at once, every item once', async () => {
  let running = 0;
  let most = 0;
  const seen: number[] = [];
  await forEachLimited([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
    running++;
    most = Math.max(most, running);
    await new Promise((r) => setImmediate(r));
    seen.push(n);
    running--;
  });
  expect(most).toBe(3);
  expect(seen.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
});

it('starts nothing after a failure, waits for the pending calls, then throws that failure', async () => {
  const started: number[] = [];
  let pending = 0;
  const error = await forEachLimited([1, 2, 3, 4, 5, 6], 2, async (n) => {
    started.push(n);
    pending++;
    await new Promise((r) => setImmediate(r));
    pending--;
    if (n === 1) throw new Error('one failed');
  }).catch((e: unknown) => e);
  expect((error as Error).message).toBe('one failed');
  expect(started).toEqual([1, 2]);
  expect(pending).toBe(0);
});
