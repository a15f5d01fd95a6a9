import { type Reading, topics } from '@wattbus/contract';
import type { DriverDefinition } from '@wattbus/meters';
import { connectMqtt } from '@wattbus/mqtt';
import type { MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import type { AgentConfig } from './config.js';
import { MeterPoller } from './meter-poller.js';
import { SeqStore } from './seq-store.js';
import { healthMessage, infoMessage, statusMessage } from './site-messages.js';

export interface AgentStats {
  published: number;
  acked: number;
  readErrors: number;
}

/**
 * The edge agent: polls every meter on its own timer and publishes contract Readings (QoS1), a retained
 * `status` (also the LWT), a retained `info` and periodic `health`.
 */
export class EdgeAgent {
  readonly stats: AgentStats = { published: 0, acked: 0, readErrors: 0 };
  private client: MqttClient | undefined;
  private pollers: MeterPoller[] = [];
  private seq: SeqStore | undefined;
  private timers: NodeJS.Timeout[] = [];
  private readonly startedAt = Date.now();

  constructor(
    private readonly config: AgentConfig,
    private readonly drivers: Record<string, DriverDefinition>,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    const { config, log } = this;
    const site = config.site.id;
    this.seq = new SeqStore(config.state_dir);
    this.pollers = config.meters.map((meter) => {
      const driver = (this.drivers[meter.driver] as DriverDefinition).create(meter.config, {
        meterId: meter.id,
      });
      return new MeterPoller(site, meter, driver, {
        readings: (list) => {
          // The seq counters reach the disk before any reading that used them leaves the process.
          (this.seq as SeqStore).save();
          for (const r of list) this.publishReading(r);
        },
        error: (meterId, err) => {
          this.stats.readErrors++;
          log.warn({ meter: meterId, site, err: err.message }, 'meter read failed');
        },
        nextSeq: (meterId, channel) => (this.seq as SeqStore).next(meterId, channel),
      });
    });

    const client = connectMqtt(config.mqtt, {
      clientId: `wattbus-agent-${site}`,
      will: {
        topic: topics.status(site),
        payload: Buffer.from(JSON.stringify(statusMessage('offline'))),
        qos: 1,
        retain: true,
      },
      onEvent: (event) => {
        if (event.type === 'error') log.error({ site, ...event }, 'mqtt error');
        else log.info({ site, ...event }, `mqtt ${event.type}`);
      },
    });
    this.client = client;
    client.on('connect', () => {
      this.publishRetained(topics.status(site), statusMessage('online'));
      this.publishRetained(topics.info(site), infoMessage(config, this.pollers));
    });

    for (const poller of this.pollers) poller.start();
    this.timers.push(setInterval(() => this.publishHealth(), config.health_interval_s * 1000));
    log.info({ site, meters: this.pollers.length }, 'agent started');
  }

  private publishReading(reading: Reading): void {
    this.stats.published++;
    (this.client as MqttClient).publish(
      topics.reading(reading.site, reading.meter),
      JSON.stringify(reading),
      { qos: 1 },
      (err) => {
        if (!err) this.stats.acked++;
      },
    );
  }

  private publishRetained(topic: string, message: object): void {
    (this.client as MqttClient).publish(topic, JSON.stringify(message), { qos: 1, retain: true });
  }

  /** Readings handed to MQTT and not yet acknowledged by the broker. */
  queueDepth(): number {
    return this.stats.published - this.stats.acked;
  }

  private publishHealth(): void {
    const message = healthMessage(
      this.config.site.id,
      this.startedAt,
      { depth: this.queueDepth(), dropped: 0 },
      this.pollers,
    );
    this.client?.publish(topics.health(this.config.site.id), JSON.stringify(message), { qos: 0 });
  }

  /** Stops polling, publishes `offline`, waits (up to `timeoutMs`) for the broker to ack what is queued. */
  async stop(timeoutMs = 10_000): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    await Promise.allSettled(this.pollers.map((p) => p.stop()));
    this.seq?.save();
    const client = this.client;
    if (!client) return;
    if (client.connected) {
      await client
        .publishAsync(topics.status(this.config.site.id), JSON.stringify(statusMessage('offline')), {
          qos: 1,
          retain: true,
        })
        .catch(() => {});
    }
    const deadline = Date.now() + timeoutMs;
    while (this.queueDepth() > 0 && client.connected && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    await client.endAsync(Date.now() >= deadline);
  }
}
