// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} in these strings is config text, not a template.
import { describe, expect, it } from 'vitest';
import { interpolateString } from './interpolate.js';

describe('interpolateString', () => {
  const env = { A: 'a', EMPTY: '' };
  const ok = (value: string) => ({ ok: true, value });
  const fail = (problem: string) => ({ ok: false, problem });

  it.each([
    ['plain', ok('plain')],
    ['${A}', ok('a')],
    ['x${A}y${A}', ok('xaya')],
    ['${EMPTY}', ok('')],
    ['${MISSING:-dflt}', ok('dflt')],
    ['${EMPTY:-dflt}', ok('dflt')],
    ['${MISSING:-}', ok('')],
    ['${MISSING:-a:b-c}', ok('a:b-c')],
    ['$${A}', ok('${A}')],
    ['$$${A}', ok('$${A}')],
    ['cost $5 and $A', ok('cost $5 and $A')],
    ['$', ok('$')],
    ['${MISSING}', fail('environment variable MISSING is not set')],
    ['${X}/${Y}/${X}', fail('environment variables X, Y are not set')],
  ])('%s', (input, expected) => {
    expect(interpolateString(input, env)).toEqual(expected);
  });

  it('rejects malformed references', () => {
    expect(interpolateString('${A', env)).toMatchObject({
      ok: false,
      problem: expect.stringContaining('unterminated'),
    });
    expect(interpolateString('${}', env)).toMatchObject({
      ok: false,
      problem: expect.stringContaining('"${}"'),
    });
    expect(interpolateString('${A-b}', env)).toMatchObject({ ok: false });
  });
});
