import { buildReceipts, type Reading, type StoredSeq, topics } from '@wattbus/contract';
import type { MqttClient } from 'mqtt';
import type { Logger } from 'pino';

/**
 * Tells each agent what this worker has stored: readings every sink is done with are collected for `intervalMs`,
 * then merged into one receipt per site (`wattbus/v1/<site>/receipt/<consumer>`, QoS1; several past 256 ranges) and
 * handed to the MQTT client. So a site gets one receipt per interval at most, however its readings were batched.
 *
 * The readings' acks do not wait for their receipts: holding them would tie the worker's throughput to
 * `max_in_flight / intervalMs`, and the worker stops reading its socket while `max_in_flight` readings are unacked,
 * so it could not even read the receipts' PUBACKs. A receipt lost with the worker (a crash within the interval) or
 * the broker costs a re-send: the agent publishes the reading again after its receipt timeout, and it is stored
 * (idempotently) and receipted then.
 */
export class ReceiptSender {
  private pending = new Map<string, StoredSeq[]>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly client: () => MqttClient,
    private readonly consumer: string,
    private readonly intervalMs: number,
    private readonly log: Logger,
    private readonly onPublished: (count: number) => void = () => {},
  ) {}

  /** Every sink is done with `reading`: it goes into its site's next receipt. */
  done(reading: Reading): void {
    const { site, meter, channel, seq } = reading;
    const stored = this.pending.get(site);
    if (stored) stored.push({ meter, channel, seq });
    else this.pending.set(site, [{ meter, channel, seq }]);
    this.timer ??= setTimeout(() => this.send(), this.intervalMs);
  }

  private send(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const bySite = this.pending;
    this.pending = new Map();
    const client = this.client();
    let count = 0;
    for (const [site, stored] of bySite) {
      for (const receipt of buildReceipts(site, this.consumer, stored)) {
        count++;
        client.publish(topics.receipt(site, this.consumer), JSON.stringify(receipt), { qos: 1 }, (err) => {
          if (err)
            this.log.warn({ site, err: err.message }, 'receipt not delivered; the agent will send its readings again');
        });
      }
    }
    this.onPublished(count);
  }

  /** Sends the receipts collected so far at once (a stop). */
  flush(): void {
    if (this.timer) this.send();
  }
}
