import { describe, expect, it } from 'vitest';
import { waitFor } from './wait-for.js';

describe('waitFor', () => {
  it('returns the first truthy value of a sync predicate', async () => {
    let calls = 0;
    const value = await waitFor(() => (++calls >= 3 ? { calls } : undefined), { intervalMs: 5 });
    expect(value).toEqual({ calls: 3 });
  });

  it('retries an async predicate that throws until it succeeds', async () => {
    let calls = 0;
    const value = await waitFor(
      async () => {
        calls++;
        if (calls < 4) throw new Error(`not yet ${calls}`);
        return `ok after ${calls}`;
      },
      { intervalMs: 5 },
    );
    expect(value).toBe('ok after 4');
  });

  it('times out with the "what" and the last predicate error in the message', async () => {
    let calls = 0;
    const started = Date.now();
    const err = await waitFor(
      () => {
        calls++;
        throw new Error(`broker refused #${calls}`);
      },
      { timeoutMs: 200, intervalMs: 20, what: 'the broker' },
    ).catch((e: unknown) => e as Error);
    const elapsed = Date.now() - started;
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toMatch(/^timed out after 200ms waiting for the broker \(last error: broker refused #\d+\)$/);
    expect(err.message).toContain(`#${calls}`);
    expect(calls).toBeGreaterThan(2);
    expect(elapsed).toBeGreaterThanOrEqual(190);
    expect(elapsed).toBeLessThan(1_000);
  });

  it('times out without an error suffix when the predicate only returned falsy values', async () => {
    await expect(waitFor(() => false, { timeoutMs: 100, intervalMs: 10, what: 'nothing' })).rejects.toThrow(
      /^timed out after 100ms waiting for nothing$/,
    );
  });

  it('does not let a hanging predicate outlive the timeout', async () => {
    const started = Date.now();
    await expect(
      waitFor(() => new Promise<boolean>(() => {}), { timeoutMs: 150, what: 'a hanging check' }),
    ).rejects.toThrow('timed out after 150ms waiting for a hanging check');
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
