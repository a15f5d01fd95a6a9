import type { ISubscriptionMap, MqttClient } from 'mqtt';
import { connectMqtt, type EventLog, logConnectionEvents } from './connect.js';
import type { MqttConnection } from './connection-schema.js';
import { type HeldMessage, type ManualAckReceiver, receiveWithManualAcks } from './manual-acks.js';

export interface ConsumerSessionOptions {
  /** The client id of the persistent session: the broker keeps QoS 1 messages for it while the consumer is away. */
  clientId: string;
  /** Subscribed with QoS 1 at every connect. */
  filters: readonly string[];
  /** Messages held unacked at most (see `receiveWithManualAcks`). */
  maxInFlight: number;
  log: EventLog;
  /** Names the connection in the logs, e.g. `readings`. */
  label: string;
  onMessage: (message: HeldMessage) => void;
}

export interface ConsumerSession {
  client: MqttClient;
  receiver: ManualAckReceiver;
  /** Resolves at the first connect. */
  connected: Promise<void>;
  /** Subscribes to the filters again, e.g. when messages stop while producers are online. */
  subscribe(): void;
}

/**
 * The persistent session every consumer of the stream (sink worker, alerter, rollup, insights) opens: QoS 1
 * messages held until the consumer acks them, and the filters subscribed at every connect. Even when the session
 * is resumed: a session someone else held meanwhile under the same client id may have lost its subscription, and
 * subscribing again to the same filters changes nothing else.
 */
export function openConsumerSession(connection: MqttConnection, options: ConsumerSessionOptions): ConsumerSession {
  const { log, label } = options;
  const client = connectMqtt(connection, {
    clientId: options.clientId,
    clean: false,
    onEvent: logConnectionEvents(log, label),
  });
  const receiver = receiveWithManualAcks(client, options.onMessage, { maxInFlight: options.maxInFlight });
  const filter = [...options.filters];
  // `resubscribe`: mqtt.js otherwise leaves out of a SUBSCRIBE every filter this client subscribed before, so
  // asking again after a resumed connect would send nothing (mqtt.js deletes the flag, hence a new map each time).
  const request = (): ISubscriptionMap =>
    Object.assign(Object.fromEntries(filter.map((f) => [f, { qos: 1 as const }])), { resubscribe: true });
  const subscribe = (resumed: boolean) =>
    client.subscribe(request(), (err) => {
      if (err) log.error({ err: err.message, filter }, 'subscribe failed');
      else log.info({ filter, resumed }, 'subscribed');
    });
  client.on('connect', (connack) => subscribe(connack.sessionPresent));
  const connected = new Promise<void>((resolve) => client.once('connect', () => resolve()));
  return { client, receiver, connected, subscribe: () => subscribe(true) };
}
