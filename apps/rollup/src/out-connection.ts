import { decodeRollupReceipt, type RollupReceipt, rollupReceiptFilter } from '@wattbus/contract';
import { type MqttConnection, type OutConnection as Out, openOutConnection } from '@wattbus/mqtt';
import type { MqttClient } from 'mqtt';
import type { Logger } from 'pino';

/**
 * The app's out connection (`<consumer.id>-out`, see `openOutConnection`): everything it publishes (rollups, reading
 * receipts, dead letters) goes out here, since readings are acked only once the broker has their rollups; and the
 * stores' rollup receipts come in here. Receipts sent while it was down are not needed: a rollup without them is
 * published again after its timeout.
 */
export class OutConnection {
  private out: Out | undefined;

  constructor(
    private readonly mqtt: MqttConnection,
    private readonly clientId: string,
    private readonly log: Logger,
    /** Rollup receipts are subscribed to only with a handler. */
    private readonly onReceipt: ((receipt: RollupReceipt) => void) | undefined,
  ) {}

  get client(): MqttClient {
    return (this.out as Out).client;
  }

  async start(): Promise<void> {
    const out = openOutConnection(this.mqtt, this.clientId, this.log);
    this.out = out;
    await out.connected;
    const onReceipt = this.onReceipt;
    if (onReceipt === undefined) return;
    out.client.on('message', (topic, payload) => {
      const decoded = decodeRollupReceipt(topic, payload);
      if (decoded.ok) onReceipt(decoded.value);
      else this.log.warn({ topic, reason: decoded.reason.slice(0, 300) }, 'rollup receipt ignored');
    });
    // Once: mqtt.js subscribes a clean session again at every reconnect (its `resubscribe`, on by default).
    await out.client.subscribeAsync(rollupReceiptFilter(), { qos: 1 });
  }

  async stop(): Promise<void> {
    await this.out?.stop();
  }
}
