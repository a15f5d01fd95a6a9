import { join } from 'node:path';
import { type AedesHandle, freePort, type ProcessHandle, REPO_ROOT, startAedes, startApp } from '@wattbus/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest } from './raw-http.js';

/**
 * A household with a valid session sends whatever bytes it likes to the portal: every request gets an
 * answer, the portal keeps running, and everybody's session with it.
 */

let broker: AedesHandle;
let portal: ProcessHandle;
let port: number;
let cookie: string;

beforeAll(async () => {
  broker = await startAedes({
    authenticate: (_client, username, password, done) => {
      const ok = username === 'dash-martin' && password?.toString() === 'right';
      done(ok ? null : Object.assign(new Error('bad'), { returnCode: 4 }), ok);
    },
  });
  port = await freePort();
  portal = await startApp('portal', {
    listen: { host: '127.0.0.1', port },
    broker: { url: broker.url, ws_url: 'ws://127.0.0.1:1/mqtt' },
    acl_file: join(REPO_ROOT, 'deploy/mosquitto/acl'),
    influx: { url: `http://127.0.0.1:${await freePort()}`, database: 'wattbus' },
    groups: [{ id: 'tilleuls', caption: 'Rue des Tilleuls', sites: ['house-12'] }],
    session: { secure_cookie: false },
    login: { failure_delay_ms: 0 },
  });
  const res = await fetch(`http://127.0.0.1:${port}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'dash-martin', password: 'right' }),
  });
  expect(res.status).toBe(200);
  cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] as string;
}, 60_000);

afterAll(async () => {
  await portal?.stop();
  await broker?.stop();
});

const get = (target: string, headers = '') =>
  `GET ${target} HTTP/1.1\r\nhost: 127.0.0.1\r\n${headers}connection: close\r\n\r\n`;
const post = (target: string, body: string, headers = 'content-type: application/json\r\n') =>
  `POST ${target} HTTP/1.1\r\nhost: 127.0.0.1\r\n${headers}content-length: ${Buffer.byteLength(body)}\r\n` +
  `connection: close\r\n\r\n${body}`;

describe('hostile requests over a raw socket', () => {
  it('each get an answer, and the portal and its sessions live on', async () => {
    const session = `cookie: ${cookie}\r\n`;
    const cases: Array<[string, string | Buffer, number]> = [
      ['empty path segments', get('//'), 404],
      ['many slashes', get('//api//me'), 404],
      ['a lone percent', get('/%'), 404],
      ['bad escapes in the query', get('/api/history?site=%ZZ&range=%', session), 400],
      ['absolute form', get('http://evil.example/api/me', session), 404],
      ['asterisk form', 'OPTIONS * HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n', 404],
      ['HEAD on the page', `HEAD / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n`, 200],
      ['OPTIONS on the page', `OPTIONS / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n`, 405],
      ['DELETE on the API', `DELETE /api/me HTTP/1.1\r\nhost: x\r\n${session}connection: close\r\n\r\n`, 404],
      ['unknown method', 'BREW / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n', 400],
      ['not HTTP at all', Buffer.from([0, 1, 2, 255, 13, 10, 13, 10]), 400],
      ['very long URL', get(`/${'a'.repeat(100_000)}`), 431],
      ['absurd header', get('/api/me', `x-absurd: ${'\u00ff'.repeat(8000)}\r\n`), 401],
      ['header without a colon', get('/api/me', 'nonsense\r\n'), 400],
      ['bad cookie', get('/api/me', 'cookie: wattbus_portal=%%%; ;;=;; =\r\n'), 401],
      ['duplicate cookies', get('/api/me', `${session}cookie: wattbus_portal=x\r\n`), 200],
      ['forged X-Forwarded-For', get('/api/me', `x-forwarded-for: ::::, , ${'9,'.repeat(1000)}\r\n`), 401],
      ['bad JSON', post('/api/login', '{"username":'), 400],
      ['JSON that is not an object', post('/api/login', '"dash-martin"'), 400],
      ['wrong types', post('/api/login', '{"username":{"toString":1},"password":[]}'), 400],
      ['body too large', post('/api/login', `{"password":"${'x'.repeat(10_000)}"}`), 413],
      [
        'a body announced as 100 MB and never sent',
        `POST /api/login HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100000000\r\n\r\n{}`,
        413,
      ],
      ['malformed Origin', post('/api/logout', '{}', 'content-type: application/json\r\norigin: ::::\r\n'), 403],
      ['no content type', post('/api/login', '{}', ''), 415],
      [
        'broken chunked body',
        `POST /api/login HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n`,
        400,
      ],
    ];
    const statuses = [];
    for (const [name, request] of cases) statuses.push([name, await rawRequest(port, request)]);
    expect(statuses).toEqual(cases.map(([name, , status]) => [name, status]));

    expect(portal.proc.exitCode).toBeNull();
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    const me = await fetch(`http://127.0.0.1:${port}/api/me`, { headers: { cookie } });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { username: string }).username).toBe('dash-martin');
    // Requests Node cannot parse are logged, one JSON line each, with the parser's reason.
    const malformed = portal
      .output()
      .split('\n')
      .filter((line) => line.includes('"msg":"malformed request"'))
      .map((line) => (JSON.parse(line) as { code: string }).code);
    expect(new Set(malformed)).toEqual(
      new Set(['HPE_INVALID_METHOD', 'HPE_HEADER_OVERFLOW', 'HPE_INVALID_HEADER_TOKEN', 'HPE_INVALID_CHUNK_SIZE']),
    );
  });
});
