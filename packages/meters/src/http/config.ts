import { Type } from '@sinclair/typebox';
import { MeterReadError } from '../driver.js';
import { HttpClient } from './client.js';

/** The settings every meter reached over HTTP has, described for that device. */
export function httpDeviceProperties(device: string, example: string, timeoutMs: number) {
  return {
    url: Type.String({
      // credentials belong in username/password: fetch refuses URLs that carry them
      pattern: '^https?://[^/@?#]+(/[^?#]*)?$',
      description: `base URL of the ${device}, e.g. ${example}`,
    }),
    username: Type.Optional(
      Type.String({ minLength: 1, description: `user name, if the ${device} asks for one (HTTP Basic or Digest)` }),
    ),
    password: Type.Optional(
      Type.String({ description: 'password for username; write ${SOME_ENV_VAR} rather than the password itself' }),
    ),
    timeout_ms: Type.Integer({
      minimum: 100,
      maximum: 120_000,
      default: timeoutMs,
      description: 'a request without a complete answer within this time fails the read (the next poll retries)',
    }),
  };
}

export interface HttpDeviceConfig {
  url: string;
  username?: string;
  password?: string;
  timeout_ms: number;
}

export function httpClientFor(config: HttpDeviceConfig): HttpClient {
  const credentials =
    config.username !== undefined ? { username: config.username, password: config.password ?? '' } : undefined;
  return new HttpClient({ timeoutMs: config.timeout_ms, credentials });
}

/** `base` + `path` without a doubled slash. */
export const deviceUrl = (base: string, path: string) => `${base.replace(/\/+$/, '')}${path}`;

/** GETs a device page; any failure becomes a MeterReadError naming the meter. */
export async function getDevicePage(client: HttpClient, url: string, meterId: string): Promise<string> {
  try {
    return await client.getText(url);
  } catch (err) {
    throw new MeterReadError(meterId, (err as Error).message, { cause: err });
  }
}
