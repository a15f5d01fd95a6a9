import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { invalidCidrs, TrustedProxies } from './client-address.js';

const request = (remoteAddress: string, xff?: string | string[]) =>
  ({ socket: { remoteAddress }, headers: xff === undefined ? {} : { 'x-forwarded-for': xff } }) as IncomingMessage;

describe('TrustedProxies', () => {
  const proxies = new TrustedProxies(['10.0.0.0/8', '::1']);

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', () => {
    expect(proxies.clientAddress(request('203.0.113.9', '198.51.100.1'))).toBe('203.0.113.9');
    expect(new TrustedProxies([]).clientAddress(request('10.0.0.1', '198.51.100.1'))).toBe('10.0.0.1');
  });

  it("takes the last address the trusted proxies wrote, never the client's own entries left of it", () => {
    expect(proxies.clientAddress(request('10.0.0.1', '1.2.3.4, 198.51.100.1'))).toBe('198.51.100.1');
    expect(proxies.clientAddress(request('::1', ['1.2.3.4', '198.51.100.1, 10.1.1.1']))).toBe('198.51.100.1');
    expect(proxies.clientAddress(request('::ffff:10.0.0.1', '198.51.100.1'))).toBe('198.51.100.1');
  });

  it('stops at anything that is not an address, and at a missing header: then the proxy is the client', () => {
    expect(proxies.clientAddress(request('10.0.0.1', 'evil, unknown'))).toBe('10.0.0.1');
    expect(proxies.clientAddress(request('10.0.0.1', 'evil, unknown, 10.2.2.2'))).toBe('10.2.2.2');
    expect(proxies.clientAddress(request('10.0.0.1'))).toBe('10.0.0.1');
  });

  it('takes addresses and CIDRs, and names the malformed ones', () => {
    expect(invalidCidrs(['10.0.0.0/8', '::1', 'fd00::/8', '127.0.0.1/32'])).toEqual([]);
    expect(invalidCidrs(['10.0.0.0/33', 'proxy.local', '10.0.0.0/8/1', '1.2.3.4/x', '::1/129'])).toHaveLength(5);
    expect(() => new TrustedProxies(['10.0.0.0/33'])).toThrow(RangeError);
  });
});
