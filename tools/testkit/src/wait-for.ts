import { setTimeout as sleep } from 'node:timers/promises';

export interface WaitForOptions {
  /** Give up after this long. Default 15000. */
  timeoutMs?: number;
  /** Pause between attempts. Default 50. */
  intervalMs?: number;
  /** Used in the timeout message: "timed out after Xms waiting for <what>". */
  what?: string;
}

export type Truthy<T> = Exclude<T, false | 0 | 0n | '' | null | undefined>;

const TIMEOUT = Symbol('timeout');

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Polls `predicate` (sync or async) until it returns a truthy value, and returns that value.
 * Errors thrown by the predicate count as "not yet"; the last one is included in the timeout
 * error. A predicate call that hangs cannot outlive the deadline.
 */
export async function waitFor<T>(
  predicate: () => T | Promise<T>,
  { timeoutMs = 15_000, intervalMs = 50, what = 'condition' }: WaitForOptions = {},
): Promise<Truthy<Awaited<T>>> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  let hasError = false;

  for (;;) {
    const remaining = deadline - Date.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      const result = await Promise.race([
        Promise.resolve().then(predicate),
        new Promise<typeof TIMEOUT>((resolve) => {
          timer = setTimeout(() => resolve(TIMEOUT), Math.max(remaining, 0));
        }),
      ]);
      if (result !== TIMEOUT && result) return result as Truthy<Awaited<T>>;
    } catch (err) {
      hasError = true;
      lastError = err;
    } finally {
      clearTimeout(timer);
    }

    const left = deadline - Date.now();
    if (left <= 0) {
      const suffix = hasError ? ` (last error: ${describe(lastError)})` : '';
      throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}${suffix}`, {
        cause: hasError ? lastError : undefined,
      });
    }
    await sleep(Math.min(intervalMs, left));
  }
}
