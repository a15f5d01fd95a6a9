import type { MqttClient } from 'mqtt';

/**
 * The one place that touches mqtt.js's private members. mqtt is pinned to an exact version in package.json, and
 * mqttjs-internals.test.ts fails loudly when an upgrade moves what this file relies on:
 *
 * - `_sendPacket`: writes a packet as is. Ack-after-write sends its own PUBACKs with it (manual-acks.ts).
 * - `_clearReconnect` / `_setupReconnect`: disarm and arm the reconnect timer that mqtt.js's own 'close' listener
 *   arms with a fixed period; the public `reconnect()` would discard the in-flight QoS1 store (connect.ts).
 * - `streamBuilder`: called once per connection attempt; the builder mqtt.connect() made reads the broker's protocol,
 *   host, port and path from `client.options` (the very object) each time, so changing them just before it runs
 *   sends that attempt to another broker (connect.ts, for a list of broker URLs).
 * - a `handleMessage` callback given an error skips the automatic PUBACK and goes on with the next packet
 *   (handlers/publish.js), which is how manual-acks.ts keeps the acks for itself.
 */
interface Internals {
  _sendPacket(packet: object, callback?: () => void): void;
  _clearReconnect(): void;
  _setupReconnect(): void;
  streamBuilder(client: MqttClient): unknown;
}

const internals = (client: MqttClient) => client as unknown as Internals;

/** The exact mqtt.js version these internals were checked against. */
export const MQTTJS_VERSION = '5.16.0';

/** Writes `packet` to the connection as it is (no store, no callback bookkeeping). */
export function sendRawPacket(client: MqttClient, packet: object): void {
  internals(client)._sendPacket(packet);
}

/** Re-arms mqtt.js's reconnect timer with `delayMs` instead of its fixed `reconnectPeriod`. */
export function rescheduleReconnect(client: MqttClient, delayMs: number): void {
  const c = internals(client);
  c._clearReconnect();
  client.options.reconnectPeriod = delayMs;
  c._setupReconnect();
}

/**
 * Runs `prepare` just before each connection attempt's stream is built from now on (mqtt.connect() starts the first
 * attempt at once unless given `manualConnect: true`).
 */
export function beforeEachConnectionAttempt(client: MqttClient, prepare: () => void): void {
  const c = internals(client);
  const build = c.streamBuilder.bind(c);
  c.streamBuilder = (self) => {
    prepare();
    return build(self);
  };
}

/** The private members this file uses that are missing from `client`: empty while mqtt.js still has them all. */
export function missingInternals(client: MqttClient): string[] {
  const c = internals(client) as unknown as Record<string, unknown>;
  return ['_sendPacket', '_clearReconnect', '_setupReconnect', 'streamBuilder'].filter(
    (name) => typeof c[name] !== 'function',
  );
}
