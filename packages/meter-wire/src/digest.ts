import { createHash, randomBytes } from 'node:crypto';

/** An HTTP authentication challenge (`WWW-Authenticate`), with its parameters lower-cased by name. */
export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

export interface Credentials {
  username: string;
  password: string;
}

/** Parses one challenge such as `Digest realm="x", nonce="y", qop="auth"`. */
export function parseChallenge(header: string): Challenge | undefined {
  const match = /^\s*([A-Za-z][\w-]*)\s*(.*)$/s.exec(header);
  if (!match?.[1]) return undefined;
  const params: Record<string, string> = {};
  for (const m of (match[2] ?? '').matchAll(/([\w-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/g)) {
    params[(m[1] as string).toLowerCase()] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? '');
  }
  return { scheme: match[1].toLowerCase(), params };
}

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

function digestResponse(
  c: Credentials,
  method: string,
  uri: string,
  p: { realm: string; nonce: string; qop?: string; nc?: string; cnonce?: string },
): string {
  const ha1 = md5(`${c.username}:${p.realm}:${c.password}`);
  const ha2 = md5(`${method}:${uri}`);
  return p.qop ? md5(`${ha1}:${p.nonce}:${p.nc}:${p.cnonce}:${p.qop}:${ha2}`) : md5(`${ha1}:${p.nonce}:${ha2}`);
}

/**
 * The `Authorization` header answering a Digest challenge (RFC 7616 with MD5, qop=auth or none), as real eGauge
 * meters ask for. `nc` counts the requests made with this nonce (1 for the first).
 */
export function digestAuthorization(
  challenge: Challenge,
  credentials: Credentials,
  method: string,
  uri: string,
  nc: number,
  cnonce = randomBytes(8).toString('hex'),
): string {
  const { realm = '', nonce = '', opaque } = challenge.params;
  const algorithm = challenge.params.algorithm;
  if (algorithm && algorithm.toUpperCase() !== 'MD5') {
    throw new Error(`unsupported digest algorithm ${algorithm} (only MD5)`);
  }
  const offered = (challenge.params.qop ?? '').split(',').map((q) => q.trim());
  const qop = offered.includes('auth') ? 'auth' : undefined;
  const ncHex = nc.toString(16).padStart(8, '0');
  const response = digestResponse(credentials, method, uri, { realm, nonce, qop, nc: ncHex, cnonce });
  const parts = [
    `username="${credentials.username}"`,
    `realm="${realm}"`,
    `nonce="${nonce}"`,
    `uri="${uri}"`,
    ...(qop ? [`qop=${qop}`, `nc=${ncHex}`, `cnonce="${cnonce}"`] : []),
    `response="${response}"`,
    ...(opaque !== undefined ? [`opaque="${opaque}"`] : []),
    ...(algorithm ? [`algorithm=${algorithm}`] : []),
  ];
  return `Digest ${parts.join(', ')}`;
}

/** Server side, for the simulators: whether an `Authorization: Digest …` header proves these credentials. */
export function verifyDigest(header: string | undefined, credentials: Credentials, method: string, nonce: string) {
  const parsed = header ? parseChallenge(header) : undefined;
  if (parsed?.scheme !== 'digest') return false;
  const p = parsed.params;
  if (p.username !== credentials.username || p.nonce !== nonce || !p.uri || !p.realm) return false;
  const expected = digestResponse(credentials, method, p.uri, {
    realm: p.realm,
    nonce,
    qop: p.qop,
    nc: p.nc,
    cnonce: p.cnonce,
  });
  return p.response === expected;
}
