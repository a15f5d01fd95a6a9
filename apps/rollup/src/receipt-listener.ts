import { decodeRollupReceipt, type RollupReceipt, rollupReceiptFilter } from '@wattbus/contract';
import { connectMqtt, logConnectionEvents, type MqttConnection } from '@wattbus/mqtt';
import type { MqttClient } from 'mqtt';
import type { Logger } from 'pino';

/**
 * Receives the stores' rollup receipts on a clean-session connection of its own (`<consumer.id>-receipts`): the
 * readings' connection stops reading its socket while `max_in_flight` readings are unacked, and readings wait for
 * receipts once too many rollups do, so receipts must never queue behind readings. Receipts sent while this
 * connection was down are not needed: a rollup without them is published again after its timeout.
 */
export class ReceiptListener {
  private client: MqttClient | undefined;

  constructor(
    private readonly mqtt: MqttConnection,
    private readonly clientId: string,
    private readonly log: Logger,
    private readonly onReceipt: (receipt: RollupReceipt) => void,
  ) {}

  async start(): Promise<void> {
    const client = connectMqtt(
      { ...this.mqtt, client_id: this.clientId },
      { clientId: this.clientId, clean: true, onEvent: logConnectionEvents(this.log, 'rollup receipts') },
    );
    this.client = client;
    client.on('message', (topic, payload) => {
      const decoded = decodeRollupReceipt(topic, payload);
      if (decoded.ok) this.onReceipt(decoded.value);
      else this.log.warn({ topic, reason: decoded.reason.slice(0, 300) }, 'rollup receipt ignored');
    });
    // At every connect: a clean session starts without subscriptions.
    client.on('connect', () =>
      client.subscribe(rollupReceiptFilter(), { qos: 1 }, (err) => {
        if (err) this.log.error({ err: err.message, filter: rollupReceiptFilter() }, 'subscribe failed');
      }),
    );
    await new Promise<void>((resolve) => client.once('connect', () => resolve()));
  }

  async stop(): Promise<void> {
    await this.client?.endAsync(true).catch(() => {});
  }
}
