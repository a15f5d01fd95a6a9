import {
  buildReceipts,
  buildRollupReceipts,
  type Reading,
  type Rollup,
  rollupReceiptTopic,
  type StoredRollup,
  type StoredSeq,
  topics,
} from '@wattbus/contract';
import type { MqttClient } from 'mqtt';

/** What a receipt sender logs: a lost receipt, which only costs a re-send. */
export interface ReceiptLog {
  warn(fields: object, message: string): void;
}

/**
 * Tells producers what this consumer has stored (docs/receipts.md): readings and rollups it is done with are
 * collected for `intervalMs`, then merged into one receipt per site for readings
 * (`wattbus/v1/<site>/receipt/<consumer>`, for its agent) and one for rollups
 * (`wattbus/v1/<site>/rollup/receipt/<consumer>`, for the rollup app) — several past 256 ranges — and handed to the
 * MQTT client at QoS1. So a site gets one receipt of each kind per interval at most, however its messages were batched.
 *
 * The messages' acks do not wait for their receipts: holding them would tie the consumer's throughput to
 * `max_in_flight / intervalMs`, and a consumer stops reading its socket while `max_in_flight` messages are unacked,
 * so it could not even read the receipts' PUBACKs. A receipt lost with the consumer (a crash within the interval) or
 * the broker costs a re-send: the producer publishes the message again after its receipt timeout, and it is stored
 * (idempotently) and receipted then.
 */
export class ReceiptSender {
  private readings = new Map<string, StoredSeq[]>();
  private rollups = new Map<string, StoredRollup[]>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly client: () => MqttClient,
    private readonly consumer: string,
    private readonly intervalMs: number,
    private readonly log: ReceiptLog,
    private readonly onPublished: (count: number) => void = () => {},
  ) {}

  /** `reading` is stored: it goes into its site's next receipt. */
  done(reading: Pick<Reading, 'site' | 'meter' | 'channel' | 'seq'>): void {
    const { site, meter, channel, seq } = reading;
    add(this.readings, site, { meter, channel, seq });
    this.timer ??= setTimeout(() => this.send(), this.intervalMs);
  }

  /** `rollup` is stored: it goes into its site's next rollup receipt. */
  rollupDone(rollup: Pick<Rollup, 'site' | 'meter' | 'channel' | 'interval' | 'start' | 'revision'>): void {
    const { site, meter, channel, interval, start, revision } = rollup;
    add(this.rollups, site, { meter, channel, interval, start, revision });
    this.timer ??= setTimeout(() => this.send(), this.intervalMs);
  }

  private send(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const [readings, rollups] = [this.readings, this.rollups];
    this.readings = new Map();
    this.rollups = new Map();
    let count = 0;
    for (const [site, stored] of readings) {
      for (const receipt of buildReceipts(site, this.consumer, stored)) {
        count++;
        this.publish(site, topics.receipt(site, this.consumer), receipt, 'the agent will send its readings again');
      }
    }
    for (const [site, stored] of rollups) {
      for (const receipt of buildRollupReceipts(site, this.consumer, stored)) {
        count++;
        this.publish(site, rollupReceiptTopic(site, this.consumer), receipt, 'the rollups will be sent again');
      }
    }
    this.onPublished(count);
  }

  private publish(site: string, topic: string, receipt: object, consequence: string): void {
    this.client().publish(topic, JSON.stringify(receipt), { qos: 1 }, (err) => {
      if (err) this.log.warn({ site, topic, err: err.message }, `receipt not delivered; ${consequence}`);
    });
  }

  /** Sends the receipts collected so far at once (a stop). */
  flush(): void {
    if (this.timer) this.send();
  }
}

function add<T>(bySite: Map<string, T[]>, site: string, item: T): void {
  const items = bySite.get(site);
  if (items) items.push(item);
  else bySite.set(site, [item]);
}
