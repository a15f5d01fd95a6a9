import { describe, expect, it } from 'vitest';
import { brokerTarget, brokerUrls, redactUrl } from './broker-urls.js';

describe('brokerUrls', () => {
  it('takes one URL or a list', () => {
    expect(brokerUrls('mqtt://a:1883')).toEqual(['mqtt://a:1883']);
    expect(brokerUrls(['mqtt://a:1883', 'mqtt://b:1883'])).toEqual(['mqtt://a:1883', 'mqtt://b:1883']);
  });
});

describe('redactUrl', () => {
  it('masks a password and leaves everything else as written', () => {
    expect(redactUrl('mqtts://house-12:s3cr%3At@node-b.example.org:8883')).toBe(
      'mqtts://house-12:***@node-b.example.org:8883',
    );
    expect(redactUrl('mqtts://node-a.example.org:8883')).toBe('mqtts://node-a.example.org:8883');
    expect(redactUrl('wss://node-a.example.org/mqtt')).toBe('wss://node-a.example.org/mqtt');
  });
});

describe('brokerTarget', () => {
  const noAuth = {};

  it('names host, port and protocol, and lets the TLS server name follow the host', () => {
    expect(brokerTarget('mqtts://node-b.example.org:8883', noAuth)).toEqual({
      protocol: 'mqtts',
      host: 'node-b.example.org',
      hostname: 'node-b.example.org',
      port: 8883,
      path: undefined,
      servername: undefined,
      username: undefined,
      password: undefined,
    });
  });

  it('leaves the port to the protocol default when the URL has none, and keeps a WebSocket path', () => {
    expect(brokerTarget('wss://node-c.example.org/mqtt?x=1', noAuth)).toMatchObject({
      protocol: 'wss',
      port: undefined,
      path: '/mqtt?x=1',
    });
    expect(brokerTarget('mqtt://[::1]:1884', noAuth)).toMatchObject({ host: '::1', hostname: '::1', port: 1884 });
  });

  it('takes credentials from the URL when it has them, else from mqtt.username/password', () => {
    const conn = { username: 'sink-worker', password: 'from-config' };
    expect(brokerTarget('mqtt://a:1883', conn)).toMatchObject({ username: 'sink-worker', password: 'from-config' });
    expect(brokerTarget('mqtt://other:p%40ss@a:1883', conn)).toMatchObject({ username: 'other', password: 'p@ss' });
  });

  it('goes TLS with a client certificate, as mqtt.js does for the URL it is given', () => {
    expect(brokerTarget('mqtt://a:1883', { cert: 'c.pem', key: 'k.pem' }).protocol).toBe('mqtts');
    expect(brokerTarget('ws://a:8080', { cert: 'c.pem', key: 'k.pem' }).protocol).toBe('wss');
    expect(brokerTarget('mqtt://a:1883', { cert: 'c.pem' }).protocol).toBe('mqtt');
  });
});
