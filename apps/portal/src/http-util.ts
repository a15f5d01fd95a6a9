import type { IncomingMessage, ServerResponse } from 'node:http';

export const COOKIE = 'wattbus_portal';
const MAX_BODY = 4096;

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/**
 * The path and query of a request target, taken as sent: never throws, whatever the target (`//`, `/%`,
 * `*`, an absolute URL). Only exact paths are served, so no normalisation is needed.
 */
export function requestTarget(target: string | undefined): { path: string; params: URLSearchParams } {
  const text = target ?? '/';
  const q = text.indexOf('?');
  return q === -1
    ? { path: text, params: new URLSearchParams() }
    : { path: text.slice(0, q), params: new URLSearchParams(text.slice(q + 1)) };
}

function sameOrigin(origin: string, host: string | undefined): boolean {
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

/**
 * Headers on every answer: a strict CSP (scripts, styles and connections from the portal itself, plus the
 * broker's WebSocket origin), no referrer, no framing, no MIME sniffing.
 */
export function securityHeaders(wsUrl: string): Record<string, string> {
  const ws = new URL(wsUrl);
  return {
    'content-security-policy': [
      "default-src 'none'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data:",
      `connect-src 'self' ${ws.protocol}//${ws.host}`,
      "base-uri 'none'",
      "form-action 'self'",
      "frame-ancestors 'none'",
    ].join('; '),
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'cross-origin-opener-policy': 'same-origin',
  };
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export function cookieOf(req: IncomingMessage, name = COOKIE): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function sessionCookie(id: string, maxAgeS: number, secure: boolean): string {
  return `${COOKIE}=${id}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeS}${secure ? '; Secure' : ''}`;
}

/**
 * The JSON body of a POST. Only `application/json` is accepted: a cross-site form cannot send it without a
 * CORS preflight (which the portal never grants), on top of the SameSite=Strict cookie. A cross-origin
 * `Origin` header is refused too.
 */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== 'null' && !sameOrigin(origin, req.headers.host)) {
    throw new HttpError(403, 'cross-origin request');
  }
  if (!/^application\/json\s*(;|$)/i.test(req.headers['content-type'] ?? '')) {
    throw new HttpError(415, 'expected application/json');
  }
  // Refused before reading: a client announcing 100 MB would otherwise be waited for until it sent them.
  if (Number(req.headers['content-length'] ?? 0) > MAX_BODY) throw new HttpError(413, 'request body too large');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new HttpError(413, 'request body too large');
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null');
  } catch {
    throw new HttpError(400, 'invalid JSON');
  }
}
