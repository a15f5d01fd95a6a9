import { describe, expect, it } from 'vitest';
import { type LoginAttempt, LoginThrottle } from './login-throttle.js';

const MIN = 60_000;

function throttle() {
  const clock = { now: 0 };
  const t = new LoginThrottle({
    maxFailures: 3,
    maxAddressFailures: 5,
    lockoutMs: MIN,
    windowMs: 15 * MIN,
    now: () => clock.now,
  });
  return { t, clock };
}

const attempt = (a: LoginAttempt | number): LoginAttempt => {
  if (typeof a === 'number') throw new Error(`refused, wait ${a} ms`);
  return a;
};

describe('LoginThrottle', () => {
  it('counts attempts in progress: of 40 concurrent attempts of one pair, exactly max_failures get through', () => {
    const { t } = throttle();
    const started = Array.from({ length: 40 }, () => t.begin('u', '1.1.1.1'));
    const admitted = started.filter((a): a is LoginAttempt => typeof a !== 'number');
    expect(admitted).toHaveLength(3);
    for (const a of admitted) a.failed();
    expect(t.begin('u', '1.1.1.1')).toBe(MIN);
  });

  it('locks out the pair, not the username: the household still logs in from its own address', () => {
    const { t } = throttle();
    for (let i = 0; i < 3; i++) attempt(t.begin('martin', '6.6.6.6')).failed();
    expect(t.begin('martin', '6.6.6.6')).toBeGreaterThan(0);
    for (let i = 0; i < 2; i++) attempt(t.begin('martin', '7.7.7.7')).failed();
    attempt(t.begin('martin', '10.0.0.2')).succeeded();
    expect(t.begin('martin', '6.6.6.6')).toBeGreaterThan(0);
  });

  it('locks out an address trying many usernames, and a success there does not clear it', () => {
    const { t } = throttle();
    for (let i = 0; i < 4; i++) attempt(t.begin(`user-${i}`, '6.6.6.6')).failed();
    attempt(t.begin('mine', '6.6.6.6')).succeeded();
    expect(attempt(t.begin('user-9', '6.6.6.6')).failed()).toEqual([{ key: 'address', waitMs: MIN }]);
    expect(t.begin('other', '6.6.6.6')).toBe(MIN);
    expect(typeof t.begin('other', '6.6.6.7')).toBe('object');
  });

  it('doubles the wait with each failure past the limit, one attempt at a time, up to the window', () => {
    const { t, clock } = throttle();
    for (let i = 0; i < 2; i++) attempt(t.begin('u', 'a')).failed();
    expect(attempt(t.begin('u', 'a')).failed()).toEqual([{ key: 'user+address', waitMs: MIN }]);
    const waits = [];
    for (let i = 0; i < 4; i++) {
      clock.now += t.begin('u', 'a') as number;
      const next = attempt(t.begin('u', 'a'));
      expect(t.begin('u', 'a')).toBe(1000); // a second one waits for the first to end
      waits.push(next.failed()[0]?.waitMs);
    }
    expect(waits).toEqual([2 * MIN, 4 * MIN, 8 * MIN, 15 * MIN]);
    // After the longest wait, a whole window has passed since the last failure: they are forgotten.
    clock.now += 15 * MIN;
    for (let i = 0; i < 3; i++) expect(typeof t.begin('u', 'a')).toBe('object');
  });

  it('forgets failures a window after the last one, and drops idle keys from memory', () => {
    const { t, clock } = throttle();
    for (let i = 0; i < 3; i++) attempt(t.begin('u', 'a')).failed();
    attempt(t.begin('v', 'b')).abandoned();
    expect(t.size).toBe(2); // pair and address of u@a; nothing for the abandoned attempt
    clock.now += 15 * MIN;
    attempt(t.begin('w', 'c')).abandoned();
    expect(t.size).toBe(0);
    attempt(t.begin('u', 'a')).failed();
    expect(typeof t.begin('u', 'a')).toBe('object');
  });

  it('refuses to end an attempt twice', () => {
    const { t } = throttle();
    const a = attempt(t.begin('u', 'a'));
    a.succeeded();
    expect(() => a.failed()).toThrow(/already ended/);
  });
});
