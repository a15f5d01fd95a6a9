import { request } from 'node:http';

/** POST /api/login as JSON from a chosen local address (any of 127.0.0.0/8), optionally through a "proxy". */
export function postLogin(
  port: number,
  credentials: { username: string; password: string },
  from: { localAddress: string; forwardedFor?: string },
): Promise<number> {
  const body = JSON.stringify(credentials);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/api/login',
        localAddress: from.localAddress,
        agent: false,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          ...(from.forwardedFor !== undefined && { 'x-forwarded-for': from.forwardedFor }),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
