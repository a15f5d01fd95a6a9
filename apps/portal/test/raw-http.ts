import { request } from 'node:http';
import { connect } from 'node:net';

/**
 * Sends `request` as raw bytes (whatever a client could put on the wire, valid HTTP or not) and returns
 * the status of the answer (0 when the connection closed without one). Every request asks the server to close.
 */
export function rawRequest(port: number, request: string | Buffer, timeoutMs = 10_000): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no end of answer within ${timeoutMs} ms to ${JSON.stringify(String(request).slice(0, 60))}`));
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => undefined); // a reset after the answer is fine: the status is what counts
    socket.on('close', () => {
      clearTimeout(timer);
      const status = /^HTTP\/1\.1 (\d{3})/.exec(Buffer.concat(chunks).toString('latin1'));
      resolve(status ? Number(status[1]) : 0);
    });
    // Not end(): a client that half-closes has its pending requests aborted by node:http, whatever the portal does.
    socket.write(request);
  });
}

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
