import { setTimeout as sleep } from 'node:timers/promises';
import { type Static, Type } from '@sinclair/typebox';

/** How a notifier retries a delivery: its `retry:` key. */
export const RetrySchema = Type.Object(
  {
    attempts: Type.Integer({ minimum: 1, default: 5 }),
    backoff_ms: Type.Integer({ minimum: 1, default: 1000, description: 'first retry delay, doubled each time' }),
    max_backoff_ms: Type.Integer({ minimum: 1, default: 60_000 }),
  },
  { additionalProperties: false, default: {} },
);
export type RetryConfig = Static<typeof RetrySchema>;

/**
 * Calls `attempt` until it resolves, at most `attempts` times, waiting backoff_ms, 2 × backoff_ms, … (capped)
 * in between. An abort ends the waiting at once and rejects with the last error.
 */
export async function withRetry<T>(
  attempt: (n: number) => Promise<T>,
  cfg: RetryConfig,
  signal: AbortSignal,
  onRetry: (err: unknown, n: number, delayMs: number) => void,
): Promise<{ value: T; attempts: number }> {
  for (let n = 1; ; n++) {
    try {
      return { value: await attempt(n), attempts: n };
    } catch (err) {
      if (n >= cfg.attempts || signal.aborted) throw Object.assign(err as object, { attempts: n });
      const delay = Math.min(cfg.backoff_ms * 2 ** (n - 1), cfg.max_backoff_ms);
      onRetry(err, n, delay);
      try {
        await sleep(delay, undefined, { signal });
      } catch {
        throw Object.assign(err as object, { attempts: n });
      }
    }
  }
}
