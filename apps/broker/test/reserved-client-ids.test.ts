import { describe, expect, it } from 'vitest';
import { ReservedClientIds } from '../src/auth/reserved-client-ids.js';

const names = ['sink-worker', 'alerter', 'house-1', 'house-1-2', 'house-12'];
const users = { has: (name: string) => names.includes(name), maxLength: 11 };
const reserved = new ReservedClientIds(['%u', '%u-*', 'wattbus-agent-%u']);

describe('ReservedClientIds', () => {
  it('reserves a user name, its dash-suffixed ids and the agent id for that user', () => {
    expect(
      ['sink-worker', 'sink-worker-sites', 'alerter-state', 'wattbus-agent-house-12', 'house-12'].map((id) =>
        reserved.ownerOf(id, users),
      ),
    ).toEqual(['sink-worker', 'sink-worker', 'alerter', 'house-12', 'house-12']);
  });

  it('leaves other ids free', () => {
    expect(
      ['sink-workers', 'wattbus-portal-1a2b', 'house-13', 'wattbus-agent-house-13', 'xsink-worker', ''].map((id) =>
        reserved.ownerOf(id, users),
      ),
    ).toEqual([undefined, undefined, undefined, undefined, undefined, undefined]);
  });

  it('gives an id several users match to the longest name', () => {
    expect(reserved.ownerOf('house-1-2', users)).toBe('house-1-2');
    expect(reserved.ownerOf('house-1-2-tablet', users)).toBe('house-1-2');
    expect(reserved.ownerOf('house-1-3', users)).toBe('house-1');
  });

  it('reserves nothing without patterns', () => {
    expect(new ReservedClientIds([]).ownerOf('sink-worker', users)).toBeUndefined();
  });

  it('answers for a 64 kB client id', () => {
    expect(reserved.ownerOf(`sink-worker-${'x'.repeat(65_000)}`, users)).toBe('sink-worker');
  });
});
