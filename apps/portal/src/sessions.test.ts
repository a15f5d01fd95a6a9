import { describe, expect, it } from 'vitest';
import { LoginLimiter } from './login-limiter.js';
import { Sessions } from './sessions.js';

describe('Sessions', () => {
  it('gives random ids, ends sessions at their expiry and at logout', () => {
    let now = 1000;
    const sessions = new Sessions(60_000, () => now);
    const a = sessions.create('dash-martin');
    const b = sessions.create('dash-martin');
    expect(a.id).not.toBe(b.id);
    expect(a.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(sessions.get(a.id)?.username).toBe('dash-martin');
    sessions.delete(b.id);
    expect(sessions.get(b.id)).toBeUndefined();
    now += 60_000;
    expect(sessions.get(a.id)).toBeUndefined();
    expect(sessions.get(undefined)).toBeUndefined();
    expect(sessions.size).toBe(0);
  });
});

describe('LoginLimiter', () => {
  it('locks a key out after max failures within the window, until they age out', () => {
    let now = 0;
    const limiter = new LoginLimiter(3, 10_000, () => now);
    const keys = ['user:u', 'addr:1.2.3.4'];
    for (let i = 0; i < 3; i++) {
      expect(limiter.blocked(keys)).toBe(false);
      limiter.fail(keys);
      now += 1000;
    }
    expect(limiter.blocked(keys)).toBe(true);
    expect(limiter.blocked(['addr:1.2.3.4'])).toBe(true);
    expect(limiter.blocked(['user:other'])).toBe(false);
    now += 7001; // the first failure is now out of the window
    expect(limiter.blocked(keys)).toBe(false);
    // A success clears the username's count only: one good account does not reset an address's failures.
    limiter.succeed(['user:u']);
    limiter.fail(keys);
    expect(limiter.blocked(['user:u'])).toBe(false);
    expect(limiter.blocked(['addr:1.2.3.4'])).toBe(true);
  });
});
