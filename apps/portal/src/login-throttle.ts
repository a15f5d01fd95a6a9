export interface ThrottleOptions {
  /** Failures of one username from one address before the pair waits. */
  maxFailures: number;
  /** Failures from one address, whatever the usernames, before the address waits. */
  maxAddressFailures: number;
  /** The first wait; doubled with each further failure, up to `windowMs`. */
  lockoutMs: number;
  /** Failures are forgotten this long after the last one. */
  windowMs: number;
  now?: () => number;
}

interface Count {
  failures: number;
  last: number;
  inFlight: number;
}

/** What happened to a key when an attempt failed: the wait it now has, if it just got one. */
export interface Lockout {
  key: 'user+address' | 'address';
  waitMs: number;
}

/** One login attempt let through: it must end in exactly one of these. */
export interface LoginAttempt {
  /** The broker refused the password: counts as a failure; returns the lockouts this failure started. */
  failed(): Lockout[];
  /** The broker accepted: the pair's failures are forgotten (the address's are not). */
  succeeded(): void;
  /** No answer about the password (broker unreachable, or no check made): counts as nothing. */
  abandoned(): void;
}

/**
 * Failed-login throttling per (username, address) and per address, with attempts in progress counted as
 * possible failures, so concurrent attempts cannot overtake the count. A key with `max` failures waits
 * `lockoutMs`, then may try once at a time; each further failure doubles the wait, up to `windowMs`.
 * Per pair, not per username: an attacker guessing a username from other addresses locks out only those
 * addresses, never the household at its own address.
 */
export class LoginThrottle {
  private readonly counts = new Map<string, Count>();
  private readonly now: () => number;
  private sweptAt: number;

  constructor(private readonly o: ThrottleOptions) {
    this.now = o.now ?? Date.now;
    this.sweptAt = this.now();
  }

  /** Lets an attempt through, or says how long to wait (ms). */
  begin(username: string, address: string): LoginAttempt | number {
    this.sweep();
    const pair = `p\0${username}\0${address}`;
    const addr = `a\0${address}`;
    const wait = Math.max(this.waitMs(pair, this.o.maxFailures), this.waitMs(addr, this.o.maxAddressFailures));
    if (wait > 0) return wait;
    const counts = [this.enter(pair), this.enter(addr)] as const;
    let open = true;
    const leave = () => {
      if (!open) throw new Error('login attempt already ended');
      open = false;
      for (const c of counts) c.inFlight--;
    };
    return {
      failed: () => {
        leave();
        const lockouts: Lockout[] = [];
        for (const [c, max, key] of [
          [counts[0], this.o.maxFailures, 'user+address'],
          [counts[1], this.o.maxAddressFailures, 'address'],
        ] as const) {
          c.failures++;
          c.last = this.now();
          if (c.failures >= max) lockouts.push({ key, waitMs: this.lockoutMs(c.failures, max) });
        }
        return lockouts;
      },
      succeeded: () => {
        leave();
        // Reset, not deleted: another attempt of the same pair may still be in progress and hold it.
        counts[0].failures = 0;
        this.forgetIfIdle(pair);
        this.forgetIfIdle(addr);
      },
      abandoned: () => {
        leave();
        this.forgetIfIdle(pair);
        this.forgetIfIdle(addr);
      },
    };
  }

  private lockoutMs(failures: number, max: number): number {
    return Math.min(this.o.lockoutMs * 2 ** Math.min(failures - max, 30), this.o.windowMs);
  }

  private current(key: string): Count | undefined {
    const c = this.counts.get(key);
    if (c !== undefined && c.inFlight === 0 && this.now() - c.last >= this.o.windowMs) {
      this.counts.delete(key);
      return undefined;
    }
    return c;
  }

  /** 0 when an attempt may start now. Attempts in progress take the failure slots they could fill. */
  private waitMs(key: string, max: number): number {
    const c = this.current(key);
    if (c === undefined) return 0;
    if (c.failures >= max) {
      const wait = c.last + this.lockoutMs(c.failures, max) - this.now();
      if (wait > 0) return wait;
    }
    const slots = Math.max(max - c.failures, 1);
    // An attempt in progress ends within the broker's connect timeout: ask again in a second.
    return c.inFlight < slots ? 0 : 1000;
  }

  private enter(key: string): Count {
    const c = this.current(key) ?? { failures: 0, last: 0, inFlight: 0 };
    c.inFlight++;
    this.counts.set(key, c);
    return c;
  }

  private forgetIfIdle(key: string): void {
    const c = this.counts.get(key);
    if (c !== undefined && c.inFlight === 0 && c.failures === 0) this.counts.delete(key);
  }

  /** Drops forgotten keys now and then, so addresses seen once do not stay in memory. */
  private sweep(): void {
    if (this.now() - this.sweptAt < this.o.windowMs) return;
    this.sweptAt = this.now();
    for (const key of this.counts.keys()) this.current(key);
  }

  /** Keys held (for tests: the memory stays bounded). */
  get size(): number {
    return this.counts.size;
  }
}
