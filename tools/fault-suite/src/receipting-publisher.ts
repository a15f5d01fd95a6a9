import { decodeReceipt, filters, type Reading, topics } from '@wattbus/contract';
import mqtt from 'mqtt';

/**
 * What an edge agent with `delivery.receipts_from` does, for a hand-made stream: every reading stays in memory until
 * a receipt of each named consumer covers its (meter, channel, seq), and one not covered `timeoutMs` after it was
 * sent is published again (the same bytes), each further wait twice as long up to `maxBackoffMs`.
 */
export class ReceiptingPublisher {
  private readonly waiting = new Map<
    string,
    { topic: string; payload: string; missing: Set<string>; due: number; resends: number }
  >();
  private timer: NodeJS.Timeout | undefined;
  /** Readings published again because no receipt covered them in time. */
  resent = 0;

  private constructor(
    private readonly client: mqtt.MqttClient,
    private readonly consumers: readonly string[],
    private readonly timeoutMs: number,
    private readonly maxBackoffMs: number,
  ) {}

  static async connect(
    url: string,
    site: string,
    consumers: readonly string[],
    { timeoutMs, maxBackoffMs }: { timeoutMs: number; maxBackoffMs: number },
  ): Promise<ReceiptingPublisher> {
    const client = await mqtt.connectAsync(url, {
      clientId: `${site}-agent`,
      reconnectPeriod: 200,
      keepalive: 5,
      connectTimeout: 2_000,
    });
    const publisher = new ReceiptingPublisher(client, consumers, timeoutMs, maxBackoffMs);
    client.on('message', (topic, payload) => publisher.onReceipt(topic, payload));
    // A clean session: subscribe at every connect, as the agent does.
    const subscribe = () => client.subscribe(filters.siteReceipts(site), { qos: 1 });
    client.on('connect', subscribe);
    await client.subscribeAsync(filters.siteReceipts(site), { qos: 1 });
    publisher.timer = setInterval(() => publisher.resendOverdue(), 200);
    return publisher;
  }

  /** Publishes `reading` (QoS1) and keeps it until its receipts come; resolves on the broker's PUBACK (or a failure). */
  async publish(reading: Reading): Promise<void> {
    const topic = topics.reading(reading.site, reading.meter);
    const payload = JSON.stringify(reading);
    this.waiting.set(id(reading.meter, reading.channel, reading.seq), {
      topic,
      payload,
      missing: new Set(this.consumers),
      due: Date.now() + this.timeoutMs,
      resends: 0,
    });
    // A publish cut by a broker crash (mqtt.js may reject it) is sent again after the receipt timeout.
    await this.client.publishAsync(topic, payload, { qos: 1 }).catch(() => {});
  }

  /** Readings not yet receipted by every consumer. */
  get unreceipted(): number {
    return this.waiting.size;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.client.endAsync(true);
  }

  private onReceipt(topic: string, payload: Buffer): void {
    const decoded = decodeReceipt(topic, payload);
    if (!decoded.ok) throw new Error(`invalid receipt on ${topic}: ${decoded.reason}`);
    const { consumer, ranges } = decoded.value;
    for (const [meter, channels] of Object.entries(ranges)) {
      for (const [channel, list] of Object.entries(channels)) {
        for (const [from, to] of list) {
          for (let seq = from; seq <= to; seq++) {
            const key = id(meter, channel, seq);
            const entry = this.waiting.get(key);
            entry?.missing.delete(consumer);
            if (entry?.missing.size === 0) this.waiting.delete(key);
          }
        }
      }
    }
  }

  private resendOverdue(): void {
    const now = Date.now();
    for (const entry of this.waiting.values()) {
      if (entry.due > now) continue;
      entry.resends++;
      this.resent++;
      entry.due = now + Math.min(this.timeoutMs * 2 ** entry.resends, this.maxBackoffMs);
      this.client.publish(entry.topic, entry.payload, { qos: 1 }, () => {});
    }
  }
}

const id = (meter: string, channel: string, seq: number) => `${meter}/${channel}/${seq}`;
