import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import mqtt from 'mqtt';
import type { Logger } from 'pino';

export type LoginResult = 'ok' | 'refused' | 'unavailable';

export interface BrokerLoginOptions {
  url: string;
  ca?: string;
  connectTimeoutMs: number;
  log: Logger;
}

/** CONNACK return codes 4 (bad username or password) and 5 (not authorized); MQTT 5 uses 0x86/0x87. */
const REFUSED_CODES = new Set([4, 5, 0x86, 0x87]);

/**
 * Checks credentials the way the broker itself does: one MQTT CONNECT with them, closed at once, never
 * retried (a retry would spend the broker's connection allowance twice). The broker stays the only judge
 * of passwords (mosquitto or the embedded broker, whatever hash format, and a reload of its password file
 * takes effect here too); the portal never reads the password file. A check that gets no verdict on the
 * password (refused by the broker for another reason, closed, timed out, unreachable) is one log line.
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
      const [result, reason] = await new Promise<[LoginResult, string?]>((resolve) => {
        client.once('connect', () => resolve(['ok']));
        client.once('error', (err: Error & { code?: unknown }) =>
          resolve(
            typeof err.code === 'number' && REFUSED_CODES.has(err.code)
              ? ['refused']
              : ['unavailable', err.message || String(err.code)],
          ),
        );
        client.once('close', () => resolve(['unavailable', 'connection closed without CONNACK (or timed out)']));
      });
      if (reason !== undefined) {
        this.options.log.warn({ broker: this.options.url, user: username, reason }, 'broker login check failed');
      }
      return result;
    } finally {
      await client.endAsync(true).catch(() => undefined);
    }
  }
}
