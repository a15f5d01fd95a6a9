import { readFileSync } from 'node:fs';
import type { Fixture, User } from '@wattbus/broker-targets';
import { waitFor } from '@wattbus/testkit';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';

/** Every message a client received, as "topic payload", from its very first one. */
export interface Inbox {
  messages: string[];
  /** Waits until `entry` has arrived (fails after 10 s). */
  has(entry: string): Promise<void>;
}

const inboxes = new WeakMap<MqttClient, Inbox>();
const sessions = new WeakMap<MqttClient, boolean>();

/** Whether the broker had a session for a client of `Clients.connect` (CONNACK's session present flag). */
export function sessionPresent(client: MqttClient): boolean | undefined {
  return sessions.get(client);
}

function attachInbox(client: MqttClient): Inbox {
  const messages: string[] = [];
  client.on('message', (topic, payload) => messages.push(`${topic} ${payload.toString()}`));
  return {
    messages,
    has: async (entry) => {
      await waitFor(() => messages.includes(entry), { timeoutMs: 10_000, what: `"${entry}" (got ${messages.length})` });
    },
  };
}

/** The inbox of a client opened by `Clients.connect` (listening since before its CONNACK). */
export function inbox(client: MqttClient): Inbox {
  const box = inboxes.get(client);
  if (!box) throw new Error('not a client of Clients.connect');
  return box;
}

/** Opens MQTT clients as the fixture's users and closes all of them at the end of each test. */
export class Clients {
  private readonly open: MqttClient[] = [];
  private readonly ca: Buffer;

  constructor(private readonly fixture: Fixture) {
    this.ca = readFileSync(fixture.pki.caFile);
  }

  options(user: User | undefined, extra: IClientOptions = {}): IClientOptions {
    return {
      reconnectPeriod: 0,
      connectTimeout: 5_000,
      ca: this.ca,
      ...(user && { username: user, password: this.fixture.passwords[user] }),
      ...extra,
    };
  }

  private start(url: string, options: IClientOptions): MqttClient {
    const client = mqtt.connect(url, options);
    client.on('error', () => {}); // a broker that drops the connection is what some tests expect
    inboxes.set(client, attachInbox(client));
    client.once('connect', (connack) => sessions.set(client, connack.sessionPresent));
    this.open.push(client);
    return client;
  }

  async connect(url: string, user: User | undefined, extra: IClientOptions = {}): Promise<MqttClient> {
    const client = this.start(url, this.options(user, extra));
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
      client.once('close', () => reject(new Error(`connection to ${url} closed before CONNACK`)));
    });
    return client;
  }

  /** The CONNACK return code of a refused connection, the error code or message, 'closed', or 'connected'. */
  async attempt(url: string, options: IClientOptions): Promise<number | string> {
    const client = this.start(url, { reconnectPeriod: 0, connectTimeout: 5_000, ...options });
    return new Promise((resolve) => {
      client.once('connect', () => resolve('connected'));
      client.once('error', (err: Error & { code?: number | string }) => resolve(err.code ?? err.message));
      client.once('close', () => resolve('closed'));
    });
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.open.splice(0).map((c) => c.endAsync(true).catch(() => {})));
  }
}

/** What happened to a publish: acknowledged by the broker, or the connection was closed instead. */
export async function publishOutcome(
  client: MqttClient,
  topic: string,
  payload: string | Buffer,
  options: { retain?: boolean } = {},
): Promise<'acknowledged' | 'disconnected'> {
  const closed = new Promise<'disconnected'>((resolve) => client.once('close', () => resolve('disconnected')));
  const acked = client.publishAsync(topic, payload, { qos: 1, ...options }).then(
    () => 'acknowledged' as const,
    () => 'disconnected' as const,
  );
  return Promise.race([closed, acked]);
}
