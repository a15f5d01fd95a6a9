import { decodeReading, decodeRollup, filters, parseRollupTopic, type Rollup, rollupFilter } from '@wattbus/contract';
import {
  type HeldMessage,
  type ManualAckReceiver,
  type OutConnection,
  openConsumerSession,
  openOutConnection,
  publishDeadLetter,
  ReceiptSender,
} from '@wattbus/mqtt';
import { type ObservabilityEndpoint, serveObservability } from '@wattbus/observability';
import { type Sink, type SinkDefinition, sinks as sinkRegistry } from '@wattbus/sinks';
import type { MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { BatchWriter } from './batch-writer.js';
import type { SinkWorkerConfig } from './config.js';
import { LazyOpenSink } from './lazy-open.js';
import { SinkWorkerMetrics } from './metrics.js';
import { rollupStore } from './rollup-store.js';
import { SilenceWatch } from './silence-watch.js';
import { SiteDirectory } from './site-directory.js';

/** How often the worker checks that readings still come while agents are online. */
const SILENCE_CHECK_MS = 30_000;

/** Part of a stop's time kept for the DISCONNECT after the final writes. */
const DISCONNECT_MS = 2_000;

/** Whether `promise` settles within `ms`. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const settled = promise.then(
    () => true,
    () => true,
  );
  const result = await Promise.race([settled, timedOut]);
  clearTimeout(timer);
  return result;
}

/**
 * subscribe → validate → batch → write to every sink → PUBACK, and receipts to the agents (per site and interval);
 * bad messages → DLQ (then PUBACK).
 */
export class SinkWorker {
  private client: MqttClient | undefined;
  /** Dead letters and receipts go out here, never behind the readings the consumer session holds unacked. */
  private out: OutConnection | undefined;
  private receiver: ManualAckReceiver | undefined;
  readonly metrics = new SinkWorkerMetrics(() => this.receiver?.inFlight() ?? 0);
  private endpoint: ObservabilityEndpoint | undefined;
  private writer: BatchWriter<HeldMessage> | undefined;
  /** Absent unless `rollups: true`. */
  private rollupWriter: BatchWriter<HeldMessage, Rollup> | undefined;
  private readonly silence: SilenceWatch;
  private silenceTimer: NodeJS.Timeout | undefined;
  private drainCheck: NodeJS.Immediate | undefined;
  private readonly sinks: Sink[];
  private readonly sites: SiteDirectory;
  /** Absent when receipts are off. */
  private readonly receipts: ReceiptSender | undefined;

  constructor(
    private readonly config: SinkWorkerConfig,
    private readonly log: Logger,
  ) {
    this.sites = new SiteDirectory(config.mqtt, `${config.consumer.id}-sites`, log);
    this.receipts = config.receipts.enabled
      ? new ReceiptSender(
          () => (this.out as OutConnection).client,
          // The workers of a share group each store a part of the stream into the same stores: one receipt name.
          config.consumer.share_group ?? config.consumer.id,
          config.receipts.interval_ms,
          log,
          (count) => this.metrics.receipts.inc(count),
        )
      : undefined;
    this.silence = new SilenceWatch(config.consumer.max_silence_ms, () => this.sites.onlineSites());
    this.sinks = Object.entries(config.sinks)
      .filter(([, sinkConfig]) => sinkConfig !== undefined)
      .map(
        ([name, sinkConfig]) => new LazyOpenSink((sinkRegistry[name] as SinkDefinition).create(sinkConfig, this.sites)),
      );
  }

  async start(): Promise<void> {
    await Promise.all([this.openSinks(), this.sites.start()]);
    const { config, log } = this;
    const batching = {
      maxBatch: config.batch.max_size,
      maxDelayMs: config.batch.max_delay_ms,
      idleMs: config.batch.idle_ms,
      writeWhenDrained: config.batch.write_when_drained,
      retryMinMs: config.retry.min_ms,
      retryMaxMs: config.retry.max_ms,
    };
    this.writer = new BatchWriter<HeldMessage>(this.sinks, batching, {
      written: (sink, count, elapsedMs) => {
        this.metrics.written.inc({ sink }, count);
        this.metrics.batchSize.observe({ sink }, count);
        this.metrics.batchSeconds.observe({ sink }, elapsedMs / 1000);
        log.debug({ sink, count, elapsedMs: Math.round(elapsedMs) }, 'batch written');
      },
      retrying: (error, sink, attempt, delayMs) => {
        this.metrics.retries.inc({ sink });
        log.warn({ sink, attempt, delayMs, err: error.message }, 'sink write failed; retrying, acks held');
      },
      rejected: (messages, error) => {
        log.error({ sink: error.sink, count: messages.length, err: error.message }, 'sink refused readings');
        // acked once every sink is done with them, like the stored ones
        for (const m of messages) this.deadLetter(m.topic, m.payload, error.message, () => {});
      },
    });
    if (config.rollups) {
      const stores = this.sinks.map(rollupStore).filter((store) => store !== undefined);
      const without = this.sinks.filter((sink) => rollupStore(sink) === undefined).map((sink) => sink.name);
      if (without.length > 0) log.warn({ sinks: without }, 'these sinks store no rollups');
      this.rollupWriter = new BatchWriter<HeldMessage, Rollup>(stores, batching, {
        written: (sink, count) => log.debug({ sink, count }, 'rollups written'),
        retrying: (error, sink, attempt, delayMs) => {
          this.metrics.retries.inc({ sink });
          log.warn({ sink, attempt, delayMs, err: error.message }, 'rollup write failed; retrying, acks held');
        },
        rejected: (messages, error) => {
          log.error({ sink: error.sink, count: messages.length, err: error.message }, 'sink refused rollups');
          for (const m of messages) this.deadLetter(m.topic, m.payload, error.message, () => {});
        },
      });
    }
    const group = config.consumer.share_group;
    const wanted = config.rollups ? [filters.readings, rollupFilter()] : [filters.readings];
    const filter = wanted.map((f) => (group ? filters.shared(group, f) : f));
    this.out = openOutConnection(config.mqtt, `${config.consumer.id}-out`, log);
    const session = openConsumerSession(config.mqtt, {
      clientId: config.consumer.id,
      filters: filter,
      maxInFlight: config.consumer.max_in_flight,
      log,
      label: 'readings',
      onMessage: (m) => this.onMessage(m),
    });
    const { client, receiver } = session;
    this.client = client;
    this.receiver = receiver;
    if (config.metrics) {
      this.endpoint = await serveObservability(this.metrics.registry, config.metrics, () => {
        const silent = this.silence.check();
        return {
          ok: client.connected && silent === undefined,
          mqtt: client.connected ? 'connected' : 'disconnected',
          in_flight: receiver.inFlight(),
          ...(silent && { problem: silent }),
        };
      });
      log.info({ port: this.endpoint.port }, 'metrics on /metrics, health on /healthz');
    }
    // When readings stop while agents are online, subscribe again: a lost subscription looks healthy otherwise.
    this.silenceTimer = setInterval(() => {
      const problem = this.silence.check();
      if (problem === undefined || !client.connected) return;
      log.warn({ problem, filter }, 'no readings while agents are online: subscribing again');
      this.silence.heard();
      session.subscribe();
    }, SILENCE_CHECK_MS);
    await session.connected;
  }

  /** Opens every sink once, for early warnings; a sink that fails is opened again by its first write. */
  private async openSinks(): Promise<void> {
    await Promise.all(
      this.sinks.map((sink) =>
        sink
          .open()
          .catch((err: Error) =>
            this.log.warn({ sink: sink.name, err: err.message }, 'cannot open sink yet; will retry on write'),
          ),
      ),
    );
  }

  private onMessage(m: HeldMessage): void {
    this.metrics.received.inc();
    this.silence.heard();
    this.drainCheck ??= setImmediate(() => this.onDrained());
    if (this.rollupWriter !== undefined && parseRollupTopic(m.topic) !== undefined) {
      this.onRollup(m, this.rollupWriter);
      return;
    }
    const decoded = decodeReading(m.topic, m.payload, {
      maxBytes: this.config.max_payload_bytes,
      maxFutureMs: this.config.max_future_ms,
    });
    if (!decoded.ok) {
      this.deadLetter(m.topic, m.payload, decoded.reason, m.ack);
      return;
    }
    const reading = decoded.value;
    const receipts = this.receipts;
    const done = receipts
      ? () => {
          receipts.done(reading);
          m.ack();
        }
      : m.ack;
    (this.writer as BatchWriter<HeldMessage>).add(reading, m, done);
  }

  /**
   * Runs once the messages read from the socket so far have all been handled (setImmediate comes after the I/O
   * callbacks of a loop turn): the broker's window, or what it has sent of it, is in the batches.
   */
  private onDrained(): void {
    this.drainCheck = undefined;
    this.writer?.drained();
    this.rollupWriter?.drained();
  }

  /** A rollup is acked, and receipted to the rollup app, once every sink that stores rollups has it. */
  private onRollup(m: HeldMessage, writer: BatchWriter<HeldMessage, Rollup>): void {
    const decoded = decodeRollup(m.topic, m.payload, { maxBytes: this.config.max_payload_bytes });
    if (!decoded.ok) {
      this.deadLetter(m.topic, m.payload, decoded.reason, m.ack);
      return;
    }
    const rollup = decoded.value;
    const receipts = this.receipts;
    const done = receipts
      ? () => {
          receipts.rollupDone(rollup);
          m.ack();
        }
      : m.ack;
    writer.add(rollup, m, done);
  }

  /** Publishes the dead letter (QoS1) and acks the original only once the broker has the dead letter. */
  private deadLetter(topic: string, payload: Buffer, reason: string, ack: () => void): void {
    this.metrics.deadLettered.inc();
    this.log.warn({ topic, reason: reason.slice(0, 300), bytes: payload.byteLength }, 'dead-lettered');
    publishDeadLetter((this.out as OutConnection).client, this.config.consumer.id, topic, payload, reason).then(
      ack,
      (err) =>
        this.log.error({ err: (err as Error).message, topic }, 'dead letter not published; message stays unacked'),
    );
  }

  /**
   * Stops taking messages (later ones stay with the broker, unacked), writes what is batched and sends its acks
   * within `timeoutMs`, and disconnects: in bounded time whatever the backlog, and with nothing lost, since
   * what is not acked is redelivered to the next session.
   */
  async stop(timeoutMs = 10_000): Promise<void> {
    clearInterval(this.silenceTimer);
    this.receiver?.close();
    const deadline = Date.now() + timeoutMs;
    const flushed = Promise.all([this.writer?.close(), this.rollupWriter?.close()]).then(() => this.receipts?.flush());
    if (!(await settlesWithin(flushed, timeoutMs - DISCONNECT_MS))) {
      this.log.warn('stores still failing at shutdown; unacked messages stay with the broker');
    }
    const client = this.client;
    if (client && !(await settlesWithin(client.endAsync(), Math.max(deadline - Date.now(), DISCONNECT_MS)))) {
      this.log.warn('broker did not take the DISCONNECT in time; closing the socket');
      await client.endAsync(true);
    }
    await Promise.all([this.out?.stop(), this.sites.stop()]);
    await Promise.allSettled(this.sinks.map((s) => s.close()));
    await this.endpoint?.close();
    const total = async (c: { get(): Promise<{ values: Array<{ value: number }> }> }) =>
      (await c.get()).values.reduce((sum, v) => sum + v.value, 0);
    const { received, written, deadLettered, retries } = this.metrics;
    this.log.info(
      {
        received: await total(received),
        written: await total(written),
        deadLettered: await total(deadLettered),
        retries: await total(retries),
      },
      'stopped',
    );
  }
}
