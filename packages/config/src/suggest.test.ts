import { describe, expect, it } from 'vitest';
import { formatPath } from './path.js';
import { levenshtein, suggest } from './suggest.js';

describe('suggest', () => {
  it('computes edit distance', () => {
    expect(levenshtein('kitten', 'sitting')).toBe(3);
    expect(levenshtein('', 'abc')).toBe(3);
    expect(levenshtein('url', 'urll')).toBe(1);
  });

  it('suggests within distance 2, ignoring case', () => {
    expect(suggest('usernme', ['url', 'username', 'password'])).toBe('username');
    expect(suggest('PASSWORD', ['password'])).toBe('password');
    expect(suggest('interval', ['interval_ms'])).toBeUndefined();
  });

  it('is stricter for short keys', () => {
    expect(suggest('ab', ['id'])).toBeUndefined();
    expect(suggest('idd', ['id'])).toBe('id');
    expect(suggest('c', ['a', 'b'])).toBeUndefined();
  });
});

describe('formatPath', () => {
  it('writes keys dotted and indexes bracketed', () => {
    expect(formatPath([])).toBe('(root)');
    expect(formatPath(['meters', 0, 'channels', 1, 'role'])).toBe('meters[0].channels[1].role');
    expect(formatPath(['labels', 'a.b', 'x y'])).toBe('labels["a.b"]["x y"]');
    expect(formatPath([0])).toBe('[0]');
  });
});
