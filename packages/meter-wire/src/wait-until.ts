import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

/** Resolves once performance.now() ≥ `at`, never earlier (timers alone may fire up to a millisecond early). */
export async function waitUntil(at: number): Promise<void> {
  for (let left = at - performance.now(); left > 0; left = at - performance.now()) await sleep(left);
}
