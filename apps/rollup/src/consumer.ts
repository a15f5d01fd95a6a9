import { decodeReading, filters, rollupTopic } from '@wattbus/contract';
import { RollupEngine, type RollupRecord, Tariffs } from '@wattbus/energy';
import {
  connectMqtt,
  type HeldMessage,
  logConnectionEvents,
  type ManualAckReceiver,
  publishDeadLetter,
  receiveWithManualAcks,
} from '@wattbus/mqtt';
import type { MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import type { RollupConfig } from './config.js';

/**
 * readings (persistent session) → rollup engine → rollups published (QoS1) → PUBACK of the readings. A batch of
 * readings is acknowledged only once the broker has every rollup that batch closed or corrected; bad input and
 * readings past the late window go to the dead-letter topic, then are acknowledged.
 */
export class RollupConsumer {
  private client: MqttClient | undefined;
  private receiver: ManualAckReceiver | undefined;
  private readonly tariffs: Tariffs;
  private readonly engine: RollupEngine;
  /** Acks of the readings pushed since the last publish. */
  private pending: Array<() => void> = [];
  private timer: NodeJS.Timeout | undefined;
  /** Publishes run one after the other, so acks leave in the order the readings came. */
  private publishing: Promise<void> = Promise.resolve();

  constructor(
    private readonly config: RollupConfig,
    private readonly log: Logger,
    configDir: string,
  ) {
    this.tariffs = new Tariffs(config.energy, {
      baseDir: configDir,
      onIssue: (issue) => log.warn({ issue }, 'price data problem: cost unknown where it applies'),
    });
    this.engine = new RollupEngine({ planFor: (site) => this.tariffs.planFor(site), ...config.rollups });
  }

  async start(): Promise<void> {
    await this.tariffs.start();
    const { config, log } = this;
    const client = connectMqtt(config.mqtt, {
      clientId: config.consumer.id,
      clean: false,
      onEvent: logConnectionEvents(log, 'readings'),
    });
    this.client = client;
    this.receiver = receiveWithManualAcks(client, (m) => this.onMessage(m), {
      maxInFlight: config.consumer.max_in_flight,
    });
    // At every connect, as the sink worker does: a session held meanwhile under our id may have lost the subscription.
    client.on('connect', (connack) =>
      client.subscribe(filters.readings, { qos: 1 }, (err) => {
        if (err) log.error({ err: err.message, filter: filters.readings }, 'subscribe failed');
        else log.info({ filter: filters.readings, resumed: connack.sessionPresent }, 'subscribed');
      }),
    );
    await new Promise<void>((resolve) => client.once('connect', () => resolve()));
  }

  private onMessage(m: HeldMessage): void {
    const decoded = decodeReading(m.topic, m.payload, {
      maxBytes: this.config.max_payload_bytes,
      maxFutureMs: this.config.max_future_ms,
    });
    if (!decoded.ok) {
      this.deadLetter(m, decoded.reason);
      return;
    }
    if (this.engine.push(decoded.value) === 'too-late') {
      const window = this.config.rollups.late_window_ms;
      this.deadLetter(m, `older than the channel's newest reading by more than late_window_ms (${window} ms)`);
      return;
    }
    this.pending.push(m.ack);
    if (this.pending.length >= this.config.batch.max_size) this.publish();
    else this.timer ??= setTimeout(() => this.publish(), this.config.batch.max_delay_ms);
  }

  /** Drains the engine and publishes its records; the readings pushed before are acked once all are with the broker. */
  private publish(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const acks = this.pending;
    this.pending = [];
    const records = this.engine.drain();
    this.publishing = this.publishing.then(async () => {
      const client = this.client as MqttClient;
      try {
        await Promise.all(records.map((record) => client.publishAsync(...message(record))));
      } catch (err) {
        // Not acked: the broker redelivers these readings to the next session.
        this.log.error({ err: (err as Error).message, records: records.length }, 'rollups not published');
        return;
      }
      if (records.length > 0) this.log.debug({ records: records.length, readings: acks.length }, 'rollups published');
      for (const ack of acks) ack();
    });
    return this.publishing;
  }

  private deadLetter(m: HeldMessage, reason: string): void {
    this.log.warn({ topic: m.topic, reason: reason.slice(0, 300), bytes: m.payload.byteLength }, 'dead-lettered');
    publishDeadLetter(this.client as MqttClient, this.config.consumer.id, m.topic, m.payload, reason).then(
      m.ack,
      (err) =>
        this.log.error(
          { err: (err as Error).message, topic: m.topic },
          'dead letter not published; message stays unacked',
        ),
    );
  }

  /**
   * Stops taking readings, publishes the rollups of those taken and acks them, within `timeoutMs`, then disconnects.
   * What is not acked by then is redelivered to the next session.
   */
  async stop(timeoutMs = 10_000): Promise<void> {
    this.receiver?.close();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, Math.max(timeoutMs - 2000, 0));
    });
    await Promise.race([this.publish(), deadline]);
    clearTimeout(timer);
    await Promise.all([this.tariffs.stop(), this.client?.endAsync(false, {}).catch(() => {})]);
  }
}

function message(record: RollupRecord): [string, string, { qos: 1 }] {
  return [rollupTopic(record.site, record.interval), JSON.stringify({ v: 1, ...record }), { qos: 1 }];
}
