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

/** POST /api/login from a loopback address of our choice, optionally with an X-Forwarded-For header. */
export function login(
  port: number,
  credentials: { username: string; password: string },
  from: string,
  forwardedFor?: string,
): Promise<number> {
  const body = JSON.stringify(credentials);
  return new Promise((resolve) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/api/login',
        localAddress: from,
        agent: false,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          ...(forwardedFor !== undefined && { 'x-forwarded-for': forwardedFor }),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

const post = (body: string, length = Buffer.byteLength(body), headers = `content-length: ${length}\r\n`) =>
  `POST /api/login HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n${headers}connection: close\r\n\r\n${body}`;
const get = (target: string, headers = '') =>
  `GET ${target} HTTP/1.1\r\nhost: x\r\n${headers}connection: close\r\n\r\n`;

export interface PortalAttackResult {
  /** Requests that got no answer at all (the portal closed, hung or died). */
  unanswered: string[];
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
  await Promise.all(
    junk.map(async ([name, bytes]) => {
      if ((await raw(port, bytes)) === 0) unanswered.push(name);
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
    wrongLogins: count(wrongLogins),
    rotatingForwardedFor: count(rotating),
    requests: junk.length + 70,
  };
}
