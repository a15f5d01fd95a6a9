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
 * (`wattbus/v1/<site>/receipt/<consumer>`, QoS1), and acknowledged to the broker once the broker has every receipt
 * of the turn. A receipt that cannot be published leaves its readings unacked: the broker delivers them again
 * to the next session, and they are stored (idempotently) and receipted then.
 */
export class ReceiptSender {
  private pending: Done[] = [];
  private scheduled = false;
  private readonly underway = new Set<Promise<void>>();

  constructor(
    private readonly client: () => MqttClient,
    private readonly consumer: string,
    private readonly log: Logger,
    private readonly onPublished: (count: number) => void = () => {},
  ) {}

  /** Every sink is done with `reading`; `ack` acknowledges its message once the receipt is with the broker. */
  done(reading: Reading, ack: () => void): void {
    this.pending.push({ reading, ack });
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.send());
  }

  private send(): void {
    this.scheduled = false;
    const turn = this.pending;
    this.pending = [];
    const bySite = new Map<string, Reading[]>();
    for (const { reading } of turn) {
      const list = bySite.get(reading.site);
      if (list) list.push(reading);
      else bySite.set(reading.site, [reading]);
    }
    const client = this.client();
    const publishes: Promise<unknown>[] = [];
    for (const [site, readings] of bySite) {
      for (const receipt of buildReceipts(site, this.consumer, readings)) {
        publishes.push(client.publishAsync(topics.receipt(site, this.consumer), JSON.stringify(receipt), { qos: 1 }));
      }
    }
    const sent: Promise<void> = Promise.all(publishes)
      .then(
        () => {
          this.onPublished(publishes.length);
          for (const { ack } of turn) ack();
        },
        (err: Error) =>
          this.log.error(
            { err: err.message, readings: turn.length },
            'receipts not published; their readings stay unacked and come again',
          ),
      )
      .finally(() => this.underway.delete(sent));
    this.underway.add(sent);
  }

  /** Waits for the receipts collected so far to be published (or to fail). */
  async flush(): Promise<void> {
    if (this.scheduled) await new Promise((resolve) => setImmediate(resolve));
    await Promise.all(this.underway);
  }
}
