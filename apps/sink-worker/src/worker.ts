import { decodeReading, filters, topics } from '@wattbus/contract';
import { connectMqtt, type HeldMessage, publishDeadLetter, receiveWithManualAcks } from '@wattbus/mqtt';
import { type ObservabilityEndpoint, serveObservability } from '@wattbus/observability';
import { type Sink, type SinkDefinition, sinks as sinkRegistry } from '@wattbus/sinks';
import type { MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { BatchWriter } from './batch-writer.js';
import type { SinkWorkerConfig } from './config.js';
import { LazyOpenSink } from './lazy-open.js';
import { SinkWorkerMetrics } from './metrics.js';
import { SiteDirectory } from './site-directory.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** subscribe → validate → batch → write to every sink → PUBACK; bad messages → DLQ (then PUBACK). */
export class SinkWorker {
  private client: MqttClient | undefined;
  private inFlight: () => number = () => 0;
  readonly metrics = new SinkWorkerMetrics(() => this.inFlight());
  private endpoint: ObservabilityEndpoint | undefined;
  private writer: BatchWriter | undefined;
  private readonly sinks: Sink[];
  private readonly sites: SiteDirectory;
  private stopping = false;

  constructor(
    private readonly config: SinkWorkerConfig,
    private readonly log: Logger,
  ) {
    this.sites = new SiteDirectory(config.mqtt, `${config.consumer.id}-sites`, log);
    this.sinks = Object.entries(config.sinks)
      .filter(([, sinkConfig]) => sinkConfig !== undefined)
      .map(
        ([name, sinkConfig]) => new LazyOpenSink((sinkRegistry[name] as SinkDefinition).create(sinkConfig, this.sites)),
      );
  }

  async start(): Promise<void> {
    await Promise.all([this.openSinks(), this.sites.start()]);
    const { config, log } = this;
    this.writer = new BatchWriter(
      this.sinks,
      {
        maxBatch: config.batch.max_size,
        maxDelayMs: config.batch.max_delay_ms,
        idleMs: config.batch.idle_ms,
        retryMinMs: config.retry.min_ms,
        retryMaxMs: config.retry.max_ms,
      },
      {
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
        rejected: (readings, error) => {
          log.error({ sink: error.sink, count: readings.length, err: error.message }, 'sink refused batch');
          for (const r of readings) {
            const payload = Buffer.from(JSON.stringify(r));
            this.deadLetter(topics.reading(r.site, r.meter), payload, error.message, () => {});
          }
        },
      },
    );
    const client = connectMqtt(config.mqtt, {
      clientId: config.consumer.id,
      clean: false,
      onEvent: (event) => {
        if (event.type === 'error') log.error(event, 'mqtt error');
        else log.info(event, `mqtt ${event.type}`);
      },
    });
    this.client = client;
    this.inFlight = receiveWithManualAcks(client, (m) => this.onMessage(m), {
      maxInFlight: config.consumer.max_in_flight,
    }).inFlight;
    if (config.metrics) {
      this.endpoint = await serveObservability(this.metrics.registry, config.metrics, () => ({
        ok: client.connected,
        mqtt: client.connected ? 'connected' : 'disconnected',
        in_flight: this.inFlight(),
      }));
      log.info({ port: this.endpoint.port }, 'metrics on /metrics, health on /healthz');
    }
    const filter = config.consumer.share_group
      ? filters.shared(config.consumer.share_group, filters.readings)
      : filters.readings;
    client.on('connect', (connack) => {
      // A resumed session still has its subscription, and the broker is already sending what it kept.
      if (connack.sessionPresent) return log.info({ filter, resumed: true }, 'subscribed');
      client.subscribe(filter, { qos: 1 }, (err) => {
        if (err) log.error({ err: err.message, filter }, 'subscribe failed');
        else log.info({ filter }, 'subscribed');
      });
    });
    await new Promise<void>((resolve) => client.once('connect', () => resolve()));
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
    if (this.stopping) return; // left unacked: the broker redelivers it to the next session
    this.metrics.received.inc();
    const decoded = decodeReading(m.topic, m.payload, this.config.max_payload_bytes);
    if (decoded.ok) (this.writer as BatchWriter).add(decoded.value, m.ack);
    else this.deadLetter(m.topic, m.payload, decoded.reason, m.ack);
  }

  /** Publishes the dead letter (QoS1) and acks the original only once the broker has the dead letter. */
  private deadLetter(topic: string, payload: Buffer, reason: string, ack: () => void): void {
    this.metrics.deadLettered.inc();
    this.log.warn({ topic, reason: reason.slice(0, 300), bytes: payload.byteLength }, 'dead-lettered');
    publishDeadLetter(this.client as MqttClient, this.config.consumer.id, topic, payload, reason).then(ack, (err) =>
      this.log.error({ err: (err as Error).message, topic }, 'dead letter not published; message stays unacked'),
    );
  }

  /** Stops reading, writes what is batched (within `timeoutMs`), sends its acks, disconnects. */
  async stop(timeoutMs = 10_000): Promise<void> {
    this.stopping = true;
    const flushed = this.writer?.close() ?? Promise.resolve();
    const timedOut = await Promise.race([flushed.then(() => false), sleep(timeoutMs).then(() => true)]);
    if (timedOut) this.log.warn('stores still failing at shutdown; unacked messages stay with the broker');
    await this.client?.endAsync();
    await this.sites.stop();
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
