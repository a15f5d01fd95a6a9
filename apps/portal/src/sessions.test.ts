import { describe, expect, it } from 'vitest';
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
