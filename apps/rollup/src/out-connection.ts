import { decodeRollupReceipt, type RollupReceipt, rollupReceiptFilter } from '@wattbus/contract';
import { connectMqtt, logConnectionEvents, type MqttConnection } from '@wattbus/mqtt';
import type { MqttClient } from 'mqtt';
import type { Logger } from 'pino';

/** Part of a stop's time given to the broker to acknowledge what is in flight before the socket is closed. */
const END_MS = 2_000;

/**
 * The app's second, clean-session connection (`<consumer.id>-out`): everything it publishes (rollups, reading
 * receipts, dead letters) goes out here, and the stores' rollup receipts come in here. The readings' connection stops
 * reading its socket while `max_in_flight` readings are unacked, and readings are acked only once the broker has
 * their rollups: were those published on it too, their PUBACKs would wait behind the readings it no longer reads.
 * This socket is always read. Receipts sent while it was down are not needed: a rollup without them is published
 * again after its timeout.
 */
export class OutConnection {
  private connection: MqttClient | undefined;

  constructor(
    private readonly mqtt: MqttConnection,
    private readonly clientId: string,
    private readonly log: Logger,
    /** Rollup receipts are subscribed to only with a handler. */
    private readonly onReceipt: ((receipt: RollupReceipt) => void) | undefined,
  ) {}

  get client(): MqttClient {
    return this.connection as MqttClient;
  }

  async start(): Promise<void> {
    const client = connectMqtt(
      { ...this.mqtt, client_id: this.clientId },
      { clientId: this.clientId, clean: true, onEvent: logConnectionEvents(this.log, 'out') },
    );
    this.connection = client;
    await new Promise<void>((resolve) => client.once('connect', () => resolve()));
    const onReceipt = this.onReceipt;
    if (onReceipt === undefined) return;
    client.on('message', (topic, payload) => {
      const decoded = decodeRollupReceipt(topic, payload);
      if (decoded.ok) onReceipt(decoded.value);
      else this.log.warn({ topic, reason: decoded.reason.slice(0, 300) }, 'rollup receipt ignored');
    });
    // Once: mqtt.js subscribes a clean session again at every reconnect (its `resubscribe`, on by default).
    await client.subscribeAsync(rollupReceiptFilter(), { qos: 1 });
  }

  /** Lets the broker acknowledge what is in flight for a moment, then closes the socket. */
  async stop(): Promise<void> {
    const client = this.connection;
    if (client === undefined) return;
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
  }
}
