import { join } from 'node:path';
import { decodeReceipt, filters, type Reading, topics } from '@wattbus/contract';
import type { DriverCheckpoint, DriverDefinition } from '@wattbus/meters';
import { connectMqtt } from '@wattbus/mqtt';
import type { MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import type { AgentConfig } from './config.js';
import { discoveryMessages } from './home-assistant.js';
import { MeterPoller } from './meter-poller.js';
import { DiskQueue, seqKey } from './queue/disk-queue.js';
import { QueuePublisher } from './queue/publisher.js';
import { ReceiptTracker } from './queue/receipt-tracker.js';
import { type DeliveryLag, healthMessage, infoMessage, statusMessage } from './site-messages.js';

export interface AgentStats {
  queued: number;
  /** Readings that could not be written to the queue (e.g. a full disk). */
  lost: number;
  readErrors: number;
}

/**
 * The edge agent: polls every meter on its own timer, puts each reading in the disk queue (fsynced, with
 * the seq counters it used) and publishes from there (QoS1); a reading leaves the queue on the broker's
 * PUBACK, or, with `delivery.receipts_from`, once every named consumer's storage receipt covers it. Also a retained `status` (also the LWT), a retained `info` and periodic `health`.
 */
export class EdgeAgent {
  readonly stats: AgentStats = { queued: 0, lost: 0, readErrors: 0 };
  private client: MqttClient | undefined;
  private pollers: MeterPoller[] = [];
  private queue: DiskQueue | undefined;
  private publisher: QueuePublisher | undefined;
  /** With `delivery.receipts_from`: the published readings still waiting for storage receipts. */
  private tracker: ReceiptTracker | undefined;
  private timers: NodeJS.Timeout[] = [];
  /** Enqueues run one after another, so queue order is poll order. */
  private enqueueChain: Promise<void> = Promise.resolve();
  private readonly startedAt = Date.now();

  constructor(
    private readonly config: AgentConfig,
    private readonly drivers: Record<string, DriverDefinition>,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    const { config, log } = this;
    const site = config.site.id;
    const queue = await DiskQueue.open(join(config.state_dir, 'queue'), {
      maxMessages: config.queue.max_readings,
      maxAgeMs: config.queue.max_age_h * 3_600_000,
    });
    this.queue = queue;
    const { delivery } = config;
    if (delivery.receipts_from.length > 0) {
      this.tracker = new ReceiptTracker(
        {
          consumers: delivery.receipts_from,
          timeoutMs: delivery.receipt_timeout_ms,
          maxBackoffMs: delivery.max_backoff_ms,
        },
        (key) => queue.ack(key),
      );
    }
    queue.onWriteState((error) => {
      if (error !== undefined) {
        const effect = 'new readings are lost until the disk has room again; queued readings are still sent';
        log.error({ site, err: error, queued: queue.depth, effect }, 'queue cannot be written');
      } else log.warn({ site, lost: this.stats.lost }, 'queue can be written again');
    });
    this.pollers = config.meters.map((meter) => {
      const driver = (this.drivers[meter.driver] as DriverDefinition).create(meter.config, {
        meterId: meter.id,
        saved: queue.savedCheckpoint(meter.id),
      });
      return new MeterPoller(site, meter, driver, {
        readings: (list, checkpoint) => this.enqueue(list, meter.id, checkpoint),
        error: (meterId, err) => {
          this.stats.readErrors++;
          log.warn({ meter: meterId, site, err: err.message }, 'meter read failed');
        },
        nextSeq: (meterId, channel) => queue.nextSeq(meterId, channel),
      });
    });

    const will = () => ({
      topic: topics.status(site),
      payload: Buffer.from(JSON.stringify(statusMessage('offline'))),
      qos: 1 as const,
      retain: true,
    });
    const client = connectMqtt(config.mqtt, {
      clientId: `wattbus-agent-${site}`,
      will: will(),
      onEvent: (event) => {
        if (event.type === 'error') log.error({ site, ...event }, 'mqtt error; readings stay queued');
        else log.info({ site, ...event, queued: queue.depth }, `mqtt ${event.type}`);
      },
    });
    this.client = client;
    // The Will is fixed for a connection: each reconnection gets one stamped anew, not with the agent's start time.
    client.on('close', () => {
      client.options.will = will();
    });
    client.on('connect', () => {
      void this.publishOnline();
      if (this.tracker) {
        client.subscribe(filters.siteReceipts(site), { qos: 1 }, (err) => {
          if (err) log.error({ site, err: err.message }, 'cannot subscribe to receipts; readings will be sent again');
        });
      }
      const info = infoMessage(config, this.pollers);
      this.publishRetained(topics.info(site), info);
      if (config.home_assistant.enabled) {
        const valuesOf = (meter: string, channel: string) =>
          this.pollers.find((p) => p.id === meter)?.valuesOf(channel) ?? [];
        for (const m of discoveryMessages(info, valuesOf, config.home_assistant.prefix)) {
          this.publishRetained(m.topic, m.payload);
        }
      }
    });
    client.on('message', (topic, payload) => this.onReceipt(topic, payload));
    this.publisher = new QueuePublisher(queue, client, {
      window: config.queue.publish_window,
      ...(this.tracker && { receipts: { tracker: this.tracker, maxAwaiting: delivery.max_unreceipted } }),
    });
    if (queue.depth > 0) log.info({ site, queued: queue.depth }, 'queue reopened with readings to send');

    for (const poller of this.pollers) poller.start();
    this.timers.push(
      setInterval(() => {
        void this.publishHealth();
        if (this.tracker) void this.publishOnline(); // the retained status carries the delivery lag
      }, config.health_interval_s * 1000),
    );
    if (this.tracker) {
      const every = Math.min(1000, Math.max(50, delivery.receipt_timeout_ms / 4));
      this.timers.push(setInterval(() => void this.resendOverdue(), every));
    }
    this.timers.push(setInterval(() => void this.expire(), 60_000));
    log.info({ site, meters: this.pollers.length }, 'agent started');
  }

  private enqueue(readings: Reading[], meter: string, checkpoint: DriverCheckpoint | undefined): void {
    const messages = readings.map((r) => ({ topic: topics.reading(r.site, r.meter), payload: JSON.stringify(r) }));
    const checkpoints = new Map(checkpoint === undefined ? [] : [[meter, checkpoint]]);
    const seqs = new Map<string, number>();
    for (const r of readings) {
      const key = seqKey(r.meter, r.channel);
      seqs.set(key, Math.max(seqs.get(key) ?? 0, r.seq));
    }
    this.enqueueChain = this.enqueueChain.then(async () => {
      const queue = this.queue as DiskQueue;
      const droppedBefore = queue.dropped;
      try {
        const queued = await queue.enqueue(messages, Date.now(), { seqs, checkpoints });
        this.stats.queued += queued.length;
        this.publisher?.offer(queued);
      } catch {
        this.stats.lost += messages.length; // the queue's write state change says why, once
      }
      if (queue.dropped > droppedBefore) {
        this.log.warn(
          { dropped: queue.dropped - droppedBefore, total: queue.dropped },
          'queue full: oldest readings dropped',
        );
      }
    });
  }

  private onReceipt(topic: string, payload: Buffer): void {
    const tracker = this.tracker;
    if (!tracker) return;
    const decoded = decodeReceipt(topic, payload);
    if (!decoded.ok) {
      this.log.warn({ site: this.config.site.id, topic, reason: decoded.reason.slice(0, 300) }, 'receipt ignored');
      return;
    }
    if (tracker.receipt(decoded.value) > 0) this.publisher?.pump();
  }

  /** Publishes again the readings whose receipts are overdue, read back from the queue. */
  private async resendOverdue(): Promise<void> {
    const keys = this.tracker?.overdue() ?? [];
    if (keys.length === 0) return;
    const messages = await (this.queue as DiskQueue).get(keys).catch(() => []);
    this.log.info(
      { site: this.config.site.id, readings: messages.length, resent_total: this.tracker?.resent },
      'no receipt in time: publishing again',
    );
    this.publisher?.resend(messages);
  }

  /** How much is not yet receipted: everything in the queue, when the agent waits for receipts. */
  private async deliveryLag(now = Date.now()): Promise<DeliveryLag | undefined> {
    if (!this.tracker) return undefined;
    const queue = this.queue as DiskQueue;
    const oldest = await queue.oldestAgeMs(now).catch(() => undefined);
    return { unreceipted: queue.depth, ...(oldest !== undefined && { oldestAgeMs: oldest }), now };
  }

  private async publishOnline(): Promise<void> {
    const lag = await this.deliveryLag();
    const delivery = lag && {
      unreceipted: lag.unreceipted,
      ...(lag.oldestAgeMs !== undefined && { oldest_unreceipted_ts: lag.now - lag.oldestAgeMs }),
    };
    if (!this.client?.connected) return;
    this.publishRetained(topics.status(this.config.site.id), {
      ...statusMessage('online'),
      ...(delivery && { delivery }),
    });
  }

  private async expire(): Promise<void> {
    // Fails only if the queue's database could not be reopened, which its write state has said.
    const expired = await this.queue?.dropExpired().catch(() => []);
    if (expired?.length) this.log.warn({ dropped: expired.length }, 'queued readings expired (max_age_h)');
  }

  private publishRetained(topic: string, message: object): void {
    (this.client as MqttClient).publish(topic, JSON.stringify(message), { qos: 1, retain: true });
  }

  private async publishHealth(): Promise<void> {
    const queue = this.queue as DiskQueue;
    const oldest = await queue.oldestAgeMs().catch(() => undefined);
    const message = healthMessage(
      this.config.site.id,
      this.startedAt,
      {
        depth: queue.depth,
        dropped: queue.dropped + this.stats.lost,
        ...(oldest !== undefined && { oldest_age_ms: oldest }),
        ...(queue.writeProblem !== undefined && { write_error: queue.writeProblem.slice(0, 512) }),
      },
      this.pollers,
    );
    if (this.tracker) {
      message.delivery = {
        receipts_from: this.config.delivery.receipts_from,
        unreceipted: queue.depth,
        ...(oldest !== undefined && { oldest_unreceipted_age_ms: oldest }),
        resent: this.tracker.resent,
      };
    }
    this.client?.publish(topics.health(this.config.site.id), JSON.stringify(message), { qos: 0 });
  }

  /**
   * Stops polling, publishes `offline`, gives in-flight publishes `graceMs` to be acknowledged, disconnects
   * and closes the queue. Whatever is not acknowledged stays queued for the next start.
   */
  async stop(graceMs = 2_000): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    await Promise.allSettled(this.pollers.map((p) => p.stop()));
    await this.enqueueChain;
    const client = this.client;
    if (client?.connected) {
      const deadline = Date.now() + graceMs;
      const offline = client.publishAsync(
        topics.status(this.config.site.id),
        JSON.stringify(statusMessage('offline')),
        { qos: 1, retain: true },
      );
      await within(
        offline.catch(() => {}),
        graceMs,
      );
      while ((this.publisher?.pending ?? 0) > 0 && client.connected && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 20));
      }
    }
    this.publisher?.stop();
    if (client) await disconnect(client, graceMs);
    await this.queue?.close();
    if (this.queue?.undeleted) {
      this.log.warn(
        { site: this.config.site.id, readings: this.queue.undeleted },
        'acknowledged readings could not be removed from the unwritable queue: they are sent again after a restart',
      );
    }
  }
}

/**
 * Ends the connection with a DISCONNECT, so the broker drops the Will: the `offline` just published is the last
 * status, with the stop time. mqtt.js only sends DISCONNECT once nothing awaits a PUBACK, so readings still in
 * flight are given up first (they stay queued on disk); a broker that does not take the DISCONNECT within
 * `timeoutMs` gets the socket closed.
 */
async function disconnect(client: MqttClient, timeoutMs: number): Promise<void> {
  if (!client.connected) {
    await client.endAsync(true);
    return;
  }
  for (const id of Object.keys(client.outgoing)) client.removeOutgoingMessage(Number(id));
  const ended = client.endAsync(false);
  await within(ended, timeoutMs);
  client.stream.destroy();
  await ended;
}

/** Waits for `promise`, but no longer than `ms`. */
async function within(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
