import { buildReceipts, type Reading, topics } from '@wattbus/contract';
import type { MqttClient } from 'mqtt';
import type { Logger } from 'pino';

interface Done {
  reading: Reading;
  ack: () => void;
}

/**
 * Tells each agent what this worker has stored: readings every sink is done with are collected for one turn of the
 * event loop (a lane finishing a batch completes all of its readings at once), merged into receipts per site
 * (`wattbus/v1/<site>/receipt/<consumer>`, QoS1) and handed to the MQTT client, and then acknowledged to the broker.
 *
 * The acks do not wait for the receipts' PUBACKs: the worker stops reading its socket while `max_in_flight` readings
 * are unacked, so it could not read those PUBACKs either, and would wait forever. A receipt lost with the worker (a
 * crash before it left) costs a re-send: the agent publishes the reading again after its receipt timeout, and it is
 * stored (idempotently) and receipted then.
 */
export class ReceiptSender {
  private pending: Done[] = [];
  private scheduled: Promise<void> | undefined;

  constructor(
    private readonly client: () => MqttClient,
    private readonly consumer: string,
    private readonly log: Logger,
    private readonly onPublished: (count: number) => void = () => {},
  ) {}

  /** Every sink is done with `reading`; `ack` acknowledges its message once its receipt is on its way. */
  done(reading: Reading, ack: () => void): void {
    this.pending.push({ reading, ack });
    this.scheduled ??= new Promise<void>((resolve) =>
      setImmediate(() => {
        this.scheduled = undefined;
        this.send();
        resolve();
      }),
    );
  }

  private send(): void {
    const turn = this.pending;
    this.pending = [];
    const bySite = new Map<string, Reading[]>();
    for (const { reading } of turn) {
      const list = bySite.get(reading.site);
      if (list) list.push(reading);
      else bySite.set(reading.site, [reading]);
    }
    const client = this.client();
    let count = 0;
    for (const [site, readings] of bySite) {
      for (const receipt of buildReceipts(site, this.consumer, readings)) {
        count++;
        client.publish(topics.receipt(site, this.consumer), JSON.stringify(receipt), { qos: 1 }, (err) => {
          if (err)
            this.log.warn({ site, err: err.message }, 'receipt not delivered; the agent will send its readings again');
        });
      }
    }
    this.onPublished(count);
    for (const { ack } of turn) ack();
  }

  /** Sends the receipts collected so far (and acks their readings). */
  async flush(): Promise<void> {
    await this.scheduled;
  }
}
