import type { MqttClient } from 'mqtt';
import { connectMqtt, type EventLog, logConnectionEvents } from './connect.js';
import type { MqttConnection } from './connection-schema.js';

/** Part of a stop's time given to the broker to acknowledge what is in flight before the socket is closed. */
const END_MS = 2_000;

export interface OutConnection {
  client: MqttClient;
  /** Resolves at the first connect. */
  connected: Promise<void>;
  /** Lets the broker acknowledge what is in flight for a moment, then closes the socket. */
  stop(): Promise<void>;
}

/**
 * A consumer's second, clean-session connection (`<consumer id>-out`), for what it publishes and must see
 * acknowledged before it acks what it took: dead letters, rollups, forecasts. The consumer session stops reading its
 * socket while `max_in_flight` messages are unacked; were these published on it, their PUBACKs would wait behind
 * the messages it no longer reads, and a window full of them (a burst of bad messages) would stand still for good.
 * This socket is always read.
 */
export function openOutConnection(connection: MqttConnection, clientId: string, log: EventLog): OutConnection {
  const client = connectMqtt(
    { ...connection, client_id: clientId },
    { clientId, clean: true, onEvent: logConnectionEvents(log, 'out') },
  );
  const connected = new Promise<void>((resolve) => client.once('connect', () => resolve()));
  const stop = async () => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), END_MS);
    });
    const ended = client.endAsync(false).then(
      () => false,
      () => true,
    );
    if (await Promise.race([ended, late])) await client.endAsync(true).catch(() => {});
    clearTimeout(timer);
  };
  return { client, connected, stop };
}
