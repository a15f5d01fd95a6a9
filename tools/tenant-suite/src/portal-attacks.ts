import { request } from 'node:http';
import { connect } from 'node:net';

/** Sends raw bytes from 127.0.0.2; the status of the answer, 0 when the connection closed without one. */
function raw(port: number, bytes: string | Buffer, timeoutMs = 10_000): Promise<number> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1', localAddress: '127.0.0.2' });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(), timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      const status = /^HTTP\/1\.1 (\d{3})/.exec(Buffer.concat(chunks).toString('latin1'));
      resolve(status ? Number(status[1]) : 0);
    });
    socket.write(bytes);
  });
}

interface Answer {
  status: number;
  /** The session cookie, if the answer set one. */
  cookie: string | undefined;
}

/** One HTTP request from a loopback address of our choice (the portal throttles per address); status 0: no answer. */
function http(
  port: number,
  from: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body = '',
): Promise<Answer> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, method, path, localAddress: from, agent: false, headers }, (res) => {
      res.resume();
      const cookie = res.headers['set-cookie']?.[0]?.split(';')[0];
      res.on('end', () => resolve({ status: res.statusCode ?? 0, cookie }));
    });
    req.on('error', () => resolve({ status: 0, cookie: undefined }));
    req.end(body);
  });
}

/** POST /api/login, optionally with an X-Forwarded-For header. */
function loginAnswer(
  port: number,
  credentials: { username: string; password: string },
  from: string,
  forwardedFor?: string,
): Promise<Answer> {
  const body = JSON.stringify(credentials);
  const headers = {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
    ...(forwardedFor !== undefined && { 'x-forwarded-for': forwardedFor }),
  };
  return http(port, from, 'POST', '/api/login', headers, body);
}

export const login = async (...args: Parameters<typeof loginAnswer>) => (await loginAnswer(...args)).status;

/**
 * House-12 logs in with its right password and asks for the other households' history and energy: each must be
 * refused (the ACL lets house-12 read nothing). Returns each path with its status.
 */
export async function crossTenantReads(
  port: number,
  hostile: { username: string; password: string },
): Promise<Record<string, number>> {
  const from = '127.0.0.4';
  const { status, cookie } = await loginAnswer(port, hostile, from);
  const out: Record<string, number> = { login: status };
  if (cookie === undefined) return out;
  for (const path of [
    '/api/history?site=house-13&range=24h',
    '/api/energy?site=house-13&days=2',
    '/api/history?site=house-14&range=7d',
    '/api/history?site=HOUSE-13&range=24h',
    '/api/history?site=house-13&site=house-12&range=24h',
  ]) {
    out[path] = (await http(port, from, 'GET', path, { cookie })).status;
  }
  return out;
}

const post = (body: string, length = Buffer.byteLength(body), headers = `content-length: ${length}\r\n`) =>
  `POST /api/login HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n${headers}connection: close\r\n\r\n${body}`;
const get = (target: string, headers = '') =>
  `GET ${target} HTTP/1.1\r\nhost: x\r\n${headers}connection: close\r\n\r\n`;

export interface PortalAttackResult {
  /** Requests that got no answer at all (the portal closed, hung or died). */
  unanswered: string[];
  /** Junk requests answered with a server error (5xx) instead of a client error. */
  serverErrors: string[];
  /** Status counts of the wrong logins, and of the ones with a rotating X-Forwarded-For. */
  wrongLogins: Record<number, number>;
  rotatingForwardedFor: Record<number, number>;
  requests: number;
}

const count = (statuses: number[]) => {
  const out: Record<number, number> = {};
  for (const s of statuses) out[s] = (out[s] ?? 0) + 1;
  return out;
};

/** Issue #16 items 11 and 12: junk requests, 40 concurrent wrong logins, and wrong logins behind forged proxies. */
export async function attackPortal(
  port: number,
  hostile: { username: string; password: string },
): Promise<PortalAttackResult> {
  const junk: Array<[string, string | Buffer]> = [
    ['GET //', get('//')],
    ['GET //api//me', get('//api//me')],
    ['GET /%', get('/%')],
    ['GET /api/history bad escapes', get('/api/history?site=%ZZ&range=%')],
    ['GET /../../etc/passwd', get('/../../etc/passwd')],
    ['GET /%2e%2e/%2e%2e/etc/passwd', get('/%2e%2e/%2e%2e/etc/passwd')],
    ['absolute form', get('http://evil.example/api/me')],
    ['not HTTP', Buffer.from([0, 1, 2, 255, 13, 10, 13, 10])],
    ['100 kB URL', get(`/${'a'.repeat(100_000)}`)],
    ['8 kB header', get('/api/me', `x-a: ${'\u00ff'.repeat(8000)}\r\n`)],
    ['bad cookie', get('/api/me', 'cookie: wattbus_portal=%%%; ;;=;; =\r\n')],
    ['forged X-Forwarded-For', get('/api/me', `x-forwarded-for: ::::, , ${'9,'.repeat(1000)}\r\n`)],
    ['bad JSON login', post('{"username":')],
    ['content-length says 100 MB', post('{}', 100_000_000)],
    ['chunked garbage', post('zz\r\n', undefined, 'transfer-encoding: chunked\r\n')],
  ];
  const unanswered: string[] = [];
  const serverErrors: string[] = [];
  await Promise.all(
    junk.map(async ([name, bytes]) => {
      const status = await raw(port, bytes);
      if (status === 0) unanswered.push(name);
      if (status >= 500) serverErrors.push(`${name}: ${status}`);
    }),
  );
  const wrong = { username: hostile.username, password: `${hostile.password}-wrong` };
  const wrongLogins = await Promise.all(Array.from({ length: 40 }, () => login(port, wrong, '127.0.0.2')));
  const rotating = await Promise.all(
    Array.from({ length: 30 }, (_, i) => login(port, wrong, '127.0.0.2', `10.${i}.${(i * 7) % 255}.${i + 1}`)),
  );
  for (const [kind, statuses] of [
    ['wrong login', wrongLogins],
    ['rotating X-Forwarded-For login', rotating],
  ] as const) {
    for (const s of statuses) if (s === 0) unanswered.push(kind);
  }
  return {
    unanswered,
    serverErrors,
    wrongLogins: count(wrongLogins),
    rotatingForwardedFor: count(rotating),
    requests: junk.length + 70,
  };
}
