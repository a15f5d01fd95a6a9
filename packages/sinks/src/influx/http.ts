/** What every client of InfluxDB's HTTP API here shares: the measurement readings are in, and the auth header. */
export { MEASUREMENT } from './line-protocol.js';
/** Rollups (docs/energy.md) are in their own measurement. */
export { ROLLUP_MEASUREMENT } from './rollup-line.js';

export interface InfluxCredentials {
  /** InfluxDB 2.x/3.x token (then username/password are not used). */
  token?: string;
  /** InfluxDB 1.x user. */
  username?: string;
  password?: string;
}

/** `Authorization: Token …` for a token, Basic for a 1.x user, nothing otherwise. */
export function influxAuthHeaders({ token, username, password }: InfluxCredentials): Record<string, string> {
  if (token) return { authorization: `Token ${token}` };
  if (username !== undefined) {
    return { authorization: `Basic ${Buffer.from(`${username}:${password ?? ''}`).toString('base64')}` };
  }
  return {};
}
