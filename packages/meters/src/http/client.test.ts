import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SimHttpServer } from '@wattbus/simulators/http';
import { freePort } from '@wattbus/testkit';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HttpClient, HttpError } from './client.js';

const servers: Array<{ stop(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

async function device(auth?: 'basic' | 'digest'): Promise<SimHttpServer<never>> {
  const server = new SimHttpServer<never>({
    handle: (url) => (url.pathname === '/data' ? { contentType: 'text/plain', body: 'x'.repeat(100) } : undefined),
    auth: auth && { scheme: auth, username: 'u', password: 'p' },
  });
  await server.start();
  servers.push(server);
  return server;
}

async function rawServer(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push({
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function failure(promise: Promise<unknown>): Promise<HttpError> {
  const error = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(HttpError);
  return error as HttpError;
}

describe('HttpClient', () => {
  it.each(['basic', 'digest'] as const)('answers a %s challenge, then authenticates at once', async (scheme) => {
    const server = await device(scheme);
    const client = new HttpClient({ timeoutMs: 2000, credentials: { username: 'u', password: 'p' } });
    expect(await client.getText(`${server.url}/data`)).toHaveLength(100);
    expect(await client.getText(`${server.url}/data`)).toHaveLength(100);
    expect(server.requests).toEqual(['/data', '/data']);
    expect(server.challenges).toBe(1);
  });

  it('counts the requests made with one Digest nonce (nc), and takes a new challenge when the nonce is stale', async () => {
    const seen: string[] = [];
    let nonce = 'n1';
    const url = await rawServer((req, res) => {
      const auth = req.headers.authorization ?? '';
      const nc = /nc=(\w+)/.exec(auth)?.[1];
      const used = /nonce="(\w+)"/.exec(auth)?.[1];
      seen.push(auth === '' ? 'none' : `${used}/${nc}`);
      if (auth === '' || used !== nonce) {
        res.writeHead(401, { 'www-authenticate': `Digest realm="r", nonce="${nonce}", qop="auth"` }).end();
      } else res.end('ok');
    });
    const client = new HttpClient({ timeoutMs: 2000, credentials: { username: 'u', password: 'p' } });
    for (let i = 0; i < 3; i++) expect(await client.getText(url)).toBe('ok');
    nonce = 'n2';
    expect(await client.getText(url)).toBe('ok');
    expect(seen).toEqual(['none', 'n1/00000001', 'n1/00000002', 'n1/00000003', 'n1/00000004', 'n2/00000001']);
  });

  it('says so when the device asks for a Digest algorithm other than MD5', async () => {
    const url = await rawServer((_req, res) =>
      res.writeHead(401, { 'www-authenticate': 'Digest realm="r", nonce="n", algorithm=SHA-256' }).end(),
    );
    const client = new HttpClient({ timeoutMs: 1000, credentials: { username: 'u', password: 'p' } });
    expect(await failure(client.getText(url))).toMatchObject({
      kind: 'status',
      status: 401,
      message: `GET ${url}: cannot authenticate: unsupported digest algorithm SHA-256 (only MD5)`,
    });
  });

  it('gives up after one challenge with wrong credentials', async () => {
    const server = await device('digest');
    const client = new HttpClient({ timeoutMs: 2000, credentials: { username: 'u', password: 'wrong' } });
    const error = await failure(client.getText(`${server.url}/data`));
    expect(error).toMatchObject({ kind: 'status', status: 401 });
    expect(error.message).toBe(`GET ${server.url}/data: answered HTTP 401 Unauthorized (check username and password)`);
  });

  it('names the kind of failure: status, timeout, refused connection, oversize answer', async () => {
    const server = await device();
    const client = new HttpClient({ timeoutMs: 300, maxBytes: 50 });
    expect(await failure(client.getText(`${server.url}/nothing`))).toMatchObject({ kind: 'status', status: 404 });
    expect(await failure(client.getText(`${server.url}/data`))).toMatchObject({
      kind: 'too-large',
      message: `GET ${server.url}/data: answer larger than 50 bytes`,
    });
    server.inject('timeout');
    expect(await failure(client.getText(`${server.url}/data`))).toMatchObject({
      kind: 'timeout',
      message: `GET ${server.url}/data: no answer within 300 ms`,
    });
    const closed = `http://127.0.0.1:${await freePort()}/data`;
    expect(await failure(client.getText(closed))).toMatchObject({
      kind: 'network',
      message: `GET ${closed}: fetch failed (ECONNREFUSED)`,
    });
  });

  it('times out an answer whose body stalls, and reports a body cut by the peer', async () => {
    const url = await rawServer((req, res) => {
      res.writeHead(200, { 'content-length': '1000' });
      res.write('<group>');
      if (req.url === '/cut') setTimeout(() => res.destroy(), 20);
    });
    const client = new HttpClient({ timeoutMs: 300 });
    expect(await failure(client.getText(`${url}/stall`))).toMatchObject({ kind: 'timeout' });
    expect(await failure(client.getText(`${url}/cut`))).toMatchObject({ kind: 'network' });
  });

  it('does not follow redirects (a device never sends one; a captive portal does)', async () => {
    const url = await rawServer((_req, res) => res.writeHead(302, { location: 'http://example.org/' }).end());
    expect(await failure(new HttpClient({ timeoutMs: 1000 }).getText(url))).toMatchObject({ kind: 'network' });
  });

  it('abort() ends a request under way at once, and the next request goes out as usual', async () => {
    const server = await device();
    server.inject('timeout');
    const client = new HttpClient({ timeoutMs: 60_000 });
    const held = failure(client.getText(`${server.url}/data`));
    await vi.waitFor(() => expect(server.requests).toHaveLength(1));
    client.abort();
    expect(await held).toMatchObject({ kind: 'closed' });
    expect(await client.getText(`${server.url}/data`)).toHaveLength(100);
  });
});
