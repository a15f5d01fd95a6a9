import type { MqttClient } from 'mqtt';
import type { DiskQueue, QueuedMessage } from './disk-queue.js';
import type { ReceiptTracker } from './receipt-tracker.js';

export interface PublisherOptions {
  /** QoS1 messages awaiting PUBACK at once. */
  window: number;
  /** Recent messages kept in memory for the live lane; older ones are read back from disk. */
  maxLive?: number;
  /** Messages read from disk per backlog fetch. */
  fetchSize?: number;
  /** With storage receipts: a message leaves the queue once receipts cover it, not on its PUBACK. */
  receipts?: {
    tracker: ReceiptTracker;
    /** Published messages awaiting receipts at most: past it only re-sends go out. */
    maxAwaiting: number;
  };
}

/**
 * Drains the disk queue into MQTT with up to `window` QoS1 publishes in flight; a message leaves the queue
 * on its PUBACK. Two lanes: messages queued while this process runs go out first (the live lane), and
 * whatever was waiting on disk (a backlog after an outage or a restart) fills the rest of the window, in
 * queue order. So after an outage dashboards and the alerter see live data at once while the backlog drains;
 * each lane keeps per-meter order, and seq/ts let consumers order across them.
 */
export class QueuePublisher {
  private readonly live: QueuedMessage[] = [];
  private readonly liveKeys = new Set<string>();
  private backlog: QueuedMessage[] = [];
  /** Messages whose receipts are overdue, to be published again. */
  private resends: QueuedMessage[] = [];
  /** Last key the backlog scan has looked at. */
  private cursor: string | undefined;
  /** Keys that went out through the live lane, ahead of the backlog scan: the scan skips them. */
  private readonly wentLive = new Set<string>();
  private backlogMayHaveMore = true;
  private fetching: Promise<void> | undefined;
  /** After a failed backlog read: when to try again. */
  private refetchTimer: NodeJS.Timeout | undefined;
  private inFlight = 0;
  private stopped = false;
  private readonly maxLive: number;
  private readonly fetchSize: number;
  acked = 0;

  constructor(
    private readonly queue: DiskQueue,
    private readonly client: MqttClient,
    private readonly options: PublisherOptions,
  ) {
    this.maxLive = options.maxLive ?? 5000;
    this.fetchSize = options.fetchSize ?? 1000;
    client.on('connect', () => this.pump());
    queue.onDrop((keys) => this.forget(keys));
  }

  /** Readings the queue's limits dropped: they must not go out any more (they are counted as dropped). */
  private forget(keys: readonly string[]): void {
    const gone = new Set(keys);
    const keep = (m: QueuedMessage) => !gone.has(m.key);
    if (this.live.some((m) => gone.has(m.key))) {
      this.live.splice(0, this.live.length, ...this.live.filter(keep));
      for (const key of keys) this.liveKeys.delete(key);
    }
    this.backlog = this.backlog.filter(keep);
    this.resends = this.resends.filter(keep);
    this.options.receipts?.tracker.forget(keys);
  }

  /** Messages published before whose receipts are overdue: they go out after the live lane, before the backlog. */
  resend(messages: readonly QueuedMessage[]): void {
    this.resends.push(...messages);
    this.pump();
  }

  /** Messages just enqueued. */
  offer(messages: QueuedMessage[]): void {
    for (const m of messages) {
      this.live.push(m);
      this.liveKeys.add(m.key);
    }
    if (this.live.length > this.maxLive) {
      // Forget the oldest live ones: they are on disk and the backlog scan will find them, or, if the scan
      // has already passed them, they join the backlog lane now.
      for (const m of this.live.splice(0, this.live.length - this.maxLive)) {
        this.liveKeys.delete(m.key);
        if (this.cursor !== undefined && m.key <= this.cursor) this.backlog.push(m);
      }
      this.backlog.sort((a, b) => (a.key < b.key ? -1 : 1));
      this.backlogMayHaveMore = true;
    }
    this.pump();
  }

  get pending(): number {
    return this.inFlight;
  }

  /** Sends nothing more (the agent is stopping); what was not acknowledged stays queued. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.refetchTimer);
  }

  /** Too many published messages await receipts: send nothing new until receipts come. */
  private get awaitingFull(): boolean {
    const receipts = this.options.receipts;
    return receipts !== undefined && receipts.tracker.size >= receipts.maxAwaiting;
  }

  pump(): void {
    while (!this.stopped && this.client.connected && this.inFlight < this.options.window) {
      const message = this.next();
      if (!message) return;
      this.send(message);
    }
  }

  /** Live first, then overdue re-sends, then the backlog; only re-sends while too many await receipts. */
  private next(): QueuedMessage | undefined {
    if (this.awaitingFull) return this.nextResend();
    const live = this.live.shift();
    if (live) {
      this.liveKeys.delete(live.key);
      this.noteLiveSend(live.key);
      return live;
    }
    const again = this.nextResend();
    if (again) return again;
    const next = this.backlog.shift();
    if (!next && this.backlogMayHaveMore && !this.refetchTimer) void this.fetchBacklog();
    return next;
  }

  /**
   * The next overdue message that still waits: its receipts may have come (or a limit dropped it) while it queued
   * here, and sending it then would put a reading the queue has let go back in flight, counted twice.
   */
  private nextResend(): QueuedMessage | undefined {
    const tracker = this.options.receipts?.tracker;
    for (let m = this.resends.shift(); m; m = this.resends.shift()) if (tracker?.waits(m.key)) return m;
    return undefined;
  }

  /** Keeps the backlog scan from sending `key` again. */
  private noteLiveSend(key: string): void {
    if (this.cursor !== undefined && key <= this.cursor) return;
    // Caught up: everything before this key has been sent, so the scan may simply start after it.
    if (!this.backlogMayHaveMore && !this.fetching) this.cursor = key;
    else this.wentLive.add(key);
  }

  private send(message: QueuedMessage): void {
    this.inFlight++;
    this.queue.markSent(message.key);
    const tracker = this.options.receipts?.tracker;
    if (tracker) {
      const { meter, channel, seq } = JSON.parse(message.payload) as { meter: string; channel: string; seq: number };
      tracker.sent(message.key, meter, channel, seq);
    }
    // mqtt.js keeps an unacknowledged QoS1 publish across reconnects and resends it; the callback fires
    // once, on its PUBACK, or with an error when the client is ended for good.
    this.client.publish(message.topic, message.payload, { qos: 1 }, (err) => {
      this.inFlight--;
      if (!err) {
        this.acked++;
        if (tracker) {
          this.queue.markDelivered(message.key);
          tracker.pubacked(message.key);
        } else this.queue.ack(message.key);
      }
      this.pump();
    });
  }

  private fetchBacklog(): Promise<void> {
    this.fetching ??= (async () => {
      const batch = await this.queue.read(this.cursor, this.fetchSize);
      if (batch.length === 0) this.backlogMayHaveMore = false;
      for (const m of batch) {
        this.cursor = m.key;
        if (this.wentLive.delete(m.key)) continue;
        if (this.liveKeys.has(m.key)) continue;
        this.backlog.push(m);
      }
    })()
      .catch(() => {
        // The queue's database could not be reopened (its write state says why): try again in a while.
        this.refetchTimer = setTimeout(() => {
          this.refetchTimer = undefined;
          this.pump();
        }, 1000);
      })
      .finally(() => {
        this.fetching = undefined;
        this.pump();
      });
    return this.fetching;
  }
}
