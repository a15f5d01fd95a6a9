import { describe, expect, it } from 'vitest';
import { digestAuthorization, parseChallenge, verifyDigest } from './digest.js';

describe('HTTP Digest', () => {
  it('parses a challenge', () => {
    expect(
      parseChallenge('Digest realm="eGauge Administration", nonce="a\\"b", qop="auth,auth-int", stale=FALSE'),
    ).toEqual({
      scheme: 'digest',
      params: { realm: 'eGauge Administration', nonce: 'a"b', qop: 'auth,auth-int', stale: 'FALSE' },
    });
    expect(parseChallenge('Basic realm="Eco-devices"')).toEqual({ scheme: 'basic', params: { realm: 'Eco-devices' } });
    expect(parseChallenge('')).toBeUndefined();
  });

  it('answers the RFC 2617 example', () => {
    const challenge = parseChallenge(
      'Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", ' +
        'opaque="5ccc069c403ebaf9f0171e9517f40e41"',
    );
    const header = digestAuthorization(
      challenge as NonNullable<typeof challenge>,
      { username: 'Mufasa', password: 'Circle Of Life' },
      'GET',
      '/dir/index.html',
      1,
      '0a4f113b',
    );
    expect(header).toContain('response="6629fae49393a05397450978507c4ef1"');
    expect(header).toContain('nc=00000001');
    expect(header).toContain('opaque="5ccc069c403ebaf9f0171e9517f40e41"');
    const credentials = { username: 'Mufasa', password: 'Circle Of Life' };
    expect(verifyDigest(header, credentials, 'GET', 'dcd98b7102dd2f0e8b11d0f600bfb0c093')).toBe(true);
    expect(verifyDigest(header, { ...credentials, password: 'x' }, 'GET', 'dcd98b7102dd2f0e8b11d0f600bfb0c093')).toBe(
      false,
    );
    expect(verifyDigest(header, credentials, 'GET', 'other-nonce')).toBe(false);
  });

  it('refuses algorithms other than MD5', () => {
    const challenge = { scheme: 'digest', params: { realm: 'r', nonce: 'n', algorithm: 'SHA-256' } };
    expect(() => digestAuthorization(challenge, { username: 'u', password: 'p' }, 'GET', '/', 1)).toThrow(
      'unsupported digest algorithm SHA-256 (only MD5)',
    );
  });
});
