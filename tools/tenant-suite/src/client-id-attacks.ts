import mqtt, { type MqttClient } from 'mqtt';
import type { Login } from './households.js';

/** What became of one connection with a service's client id. */
export interface Squat {
  clientId: string;
  clean: boolean;
  /** `connected`, or the broker's refusal (CONNACK code or error). */
  outcome: string;
  client?: MqttClient;
}

/**
 * house-12 connects, with its own valid password and over the TLS listener households reach, under another
 * client's id (issue #16 items 5 and 6).
 */
export async function squat(login: Login, clientId: string, clean: boolean): Promise<Squat> {
  try {
    const client = await mqtt.connectAsync(login.url, {
      username: login.username,
      password: login.password,
      ...(login.ca && { ca: login.ca }),
      clientId,
      clean,
      reconnectPeriod: 0,
      connectTimeout: 5_000,
    });
    client.on('error', () => {});
    return { clientId, clean, outcome: 'connected', client };
  } catch (err) {
    return { clientId, clean, outcome: `refused: ${(err as Error).message.slice(0, 100)}` };
  }
}

export async function leave(squats: readonly Squat[]): Promise<void> {
  await Promise.allSettled(squats.map((s) => s.client?.endAsync(true)));
}
