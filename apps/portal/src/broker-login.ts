import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import mqtt from 'mqtt';

export type LoginResult = 'ok' | 'refused' | 'unavailable';

export interface BrokerLoginOptions {
  url: string;
  ca?: string;
  connectTimeoutMs: number;
}

/** CONNACK return codes 4 (bad username or password) and 5 (not authorized); MQTT 5 uses 0x86/0x87. */
const REFUSED_CODES = new Set([4, 5, 0x86, 0x87]);

/**
 * Checks credentials the way the broker itself does: one MQTT CONNECT with them, closed at once. The broker
 * stays the only judge of passwords (mosquitto or the embedded broker, whatever hash format, and a reload
 * of its password file takes effect here too); the portal never reads the password file.
 */
export class BrokerLogin {
  private ca: Buffer | undefined;

  constructor(private readonly options: BrokerLoginOptions) {}

  async check(username: string, password: string): Promise<LoginResult> {
    if (this.options.ca !== undefined && this.ca === undefined) this.ca = await readFile(this.options.ca);
    const client = mqtt.connect(this.options.url, {
      username,
      password,
      clientId: `wattbus-portal-login-${randomBytes(8).toString('hex')}`,
      clean: true,
      reconnectPeriod: 0,
      connectTimeout: this.options.connectTimeoutMs,
      protocolVersion: 4,
      ...(this.ca && { ca: this.ca }),
    });
    try {
      return await new Promise<LoginResult>((resolve) => {
        client.once('connect', () => resolve('ok'));
        client.once('error', (err: Error & { code?: unknown }) =>
          resolve(typeof err.code === 'number' && REFUSED_CODES.has(err.code) ? 'refused' : 'unavailable'),
        );
        // No CONNACK in time, or the socket closed without one.
        client.once('close', () => resolve('unavailable'));
      });
    } finally {
      await client.endAsync(true).catch(() => undefined);
    }
  }
}
