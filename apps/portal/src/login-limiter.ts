/**
 * Counts failed logins per key (the username, and the client address) over a sliding window; a key with
 * `maxFailures` failures in the window is refused without asking the broker until the oldest one ages out.
 */
export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly maxFailures: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  private recent(key: string): number[] {
    const since = this.now() - this.windowMs;
    const times = (this.failures.get(key) ?? []).filter((t) => t > since);
    if (times.length === 0) this.failures.delete(key);
    else this.failures.set(key, times);
    return times;
  }

  /** Whether any of the keys is locked out. */
  blocked(keys: readonly string[]): boolean {
    return keys.some((k) => this.recent(k).length >= this.maxFailures);
  }

  fail(keys: readonly string[]): void {
    for (const k of keys) this.failures.set(k, [...this.recent(k), this.now()]);
  }

  succeed(keys: readonly string[]): void {
    for (const k of keys) this.failures.delete(k);
  }
}
