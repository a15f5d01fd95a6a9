import {
  decodeMessage,
  filters,
  parseVoltageForecastTopic,
  topics,
  validateVoltageForecast,
  voltageForecastFilter,
  type WattbusMessage,
} from '@wattbus/contract';
import {
  connectMqtt,
  type HeldMessage,
  logConnectionEvents,
  type ManualAckReceiver,
  openConsumerSession,
  publishDeadLetter,
  subscribeRetained,
} from '@wattbus/mqtt';
import type { MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { AlertBook } from './alert-book.js';
import { CatchUp } from './catch-up.js';
import type { AlerterConfig } from './config.js';
import type { Notifier, NotifierDefinition } from './notify/notifier.js';
import { notifiers } from './notify/registry.js';
import { createRules } from './rules/index.js';
import type { AlertRule } from './rules/rule.js';

/** How long a stop waits for dead letters under way. */
const DEAD_LETTERS_AT_STOP_MS = 5_000;

/**
 * Runs the alert rules over the MQTT stream and publishes alert state, retained, per (site, rule). Two connections:
 * a clean session for the retained state (the alerts, taken back before any reading is judged; infos, statuses and
 * the voltage forecasts of wattbus-insights), which also publishes alerts and dead letters and so is never paused,
 * and a persistent session for the readings, so that readings sent while the alerter was down are judged when it is
 * back.
 */
export class Alerter {
  readonly book = new AlertBook();
  readonly stats = { received: 0, deadLettered: 0, published: 0 };
  private readonly lettersInFlight = new Set<Promise<void>>();
  private readonly rules: AlertRule[];
  private notifiers: Notifier[] = [];
  private state: MqttClient | undefined;
  private readings: MqttClient | undefined;
  private receiver: ManualAckReceiver | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** While the retained snapshot loads, retained alerts are taken back into the book instead of being re-raised. */
  private restoring = true;
  private readonly catchUp = new CatchUp();
  private stopping = false;

  constructor(
    private readonly config: AlerterConfig,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.rules = createRules(config.rules, config.overrides);
  }

  async start(): Promise<void> {
    for (const notifier of Object.values<NotifierDefinition>(notifiers)) {
      const config = this.config.notify[notifier.name as keyof typeof notifiers];
      if (config) this.notifiers.push(notifier.create(config, { log: this.log }));
    }
    // Connecting can take any time (broker down, password refused: each attempt is logged and retried); a stop
    // must not wait for it.
    this.connect().catch((err: Error) => {
      if (!this.stopping) this.log.error({ err: err.message }, 'start failed');
    });
  }

  private async connect(): Promise<void> {
    await this.loadState();
    if (this.stopping) return;
    await this.receiveReadings();
    if (this.stopping) return;
    this.timer = setInterval(() => this.evaluate(), this.config.evaluate_every_ms);
  }

  private async loadState(): Promise<void> {
    const clientId = `${this.config.consumer.id}-state`;
    const client = connectMqtt(
      { ...this.config.mqtt, client_id: clientId },
      { clientId, clean: true, onEvent: logConnectionEvents(this.log, 'state') },
    );
    this.state = client;
    client.on('message', (topic, payload) => this.onState(topic, payload));
    await new Promise<void>((resolve) => client.once('connect', () => resolve()));
    await subscribeRetained(client, [filters.alerts, filters.infos, filters.statuses, voltageForecastFilter()]);
    this.restoring = false;
    await client.unsubscribeAsync(filters.alerts); // from now on, only our own alerts would come back
    this.log.info({ open: this.book.openCount() }, 'retained alerts taken back');
  }

  /** The persistent session: the broker first hands over what it kept for us, then the live stream. */
  private async receiveReadings(): Promise<void> {
    const { config, log } = this;
    const session = openConsumerSession(config.mqtt, {
      clientId: config.consumer.id,
      filters: [filters.readings],
      maxInFlight: config.consumer.max_in_flight,
      log,
      label: 'readings',
      onMessage: (m) => this.onReading(m),
    });
    this.readings = session.client;
    this.receiver = session.receiver;
    // A resumed session still has its subscription, and the broker is already sending what it kept.
    session.client.on('connect', () => this.catchUp.connected(this.now()));
    session.client.on('close', () => this.catchUp.disconnected());
    await session.connected;
  }

  private onState(topic: string, payload: Buffer): void {
    if (this.stopping) return; // a clean session: nothing of it outlives the stop anyway
    this.stats.received++;
    const forecastOf = parseVoltageForecastTopic(topic);
    if (forecastOf) {
      this.onVoltageForecast(forecastOf.site, topic, payload);
      return;
    }
    // No clock-skew check: a retained message keeps the time it was published at, and no rule judges its ts.
    const decoded = decodeMessage(topic, payload, { maxFutureMs: Number.POSITIVE_INFINITY });
    if (decoded.ok) this.dispatch(decoded.value, this.now());
    else this.deadLetter(topic, payload, decoded.reason, () => {});
  }

  /** Forecasts are not in decodeMessage's contract v1 stream, so they are checked here. */
  private onVoltageForecast(site: string, topic: string, payload: Buffer): void {
    if (payload.byteLength === 0) return; // a cleared retained forecast
    let data: unknown;
    try {
      data = JSON.parse(payload.toString('utf8'));
    } catch {
      this.deadLetter(topic, payload, 'not JSON', () => {});
      return;
    }
    const checked = validateVoltageForecast(data);
    if (!checked.ok) this.deadLetter(topic, payload, `not a voltage forecast: ${checked.errors.join('; ')}`, () => {});
    else if (checked.value.site !== site)
      this.deadLetter(topic, payload, `site ${checked.value.site} on ${site}'s topic`, () => {});
    else for (const rule of this.rules) rule.onVoltageForecast?.(checked.value, this.now());
  }

  /** Acked once judged, or once its dead letter is with the broker. */
  private onReading(m: HeldMessage): void {
    this.stats.received++;
    const now = this.now();
    const decoded = decodeMessage(m.topic, m.payload, { maxFutureMs: this.config.max_future_ms, now });
    if (!decoded.ok) {
      this.deadLetter(m.topic, m.payload, decoded.reason, m.ack);
      return;
    }
    this.dispatch(decoded.value, now);
    m.ack();
  }

  private dispatch(m: WattbusMessage, now: number): void {
    if (m.kind === 'reading') {
      this.catchUp.reading(m.value.ts, now);
      for (const rule of this.rules) rule.onReading?.(m.value, now);
    } else if (m.value === null) {
      // a cleared retained message
    } else if (m.kind === 'info') {
      for (const rule of this.rules) rule.onInfo?.(m.value, now);
    } else if (m.kind === 'status') {
      for (const rule of this.rules) rule.onStatus?.(m.site, m.value, now);
    } else if (m.kind === 'alert' && this.restoring) {
      const alert = m.value;
      this.book.restore(alert);
      for (const rule of this.rules) if (rule.id === alert.rule) rule.onRestore?.(alert, now);
    }
  }

  private deadLetter(topic: string, payload: Buffer, reason: string, ack: () => void): void {
    this.stats.deadLettered++;
    this.log.warn({ topic: topic.slice(0, 200), reason: reason.slice(0, 300) }, 'dead-lettered');
    const published = publishDeadLetter(this.state as MqttClient, this.config.consumer.id, topic, payload, reason).then(
      ack,
      (err) => this.log.error({ err: (err as Error).message, topic: topic.slice(0, 200) }, 'dead letter not published'),
    );
    this.lettersInFlight.add(published);
    void published.finally(() => this.lettersInFlight.delete(published));
  }

  private evaluate(): void {
    const now = this.now();
    if (!this.catchUp.done(now)) return;
    for (const rule of this.rules) {
      for (const alert of this.book.update(rule, rule.evaluate(now), now)) {
        this.stats.published++;
        this.log.info(
          { site: alert.site, rule: alert.rule, state: alert.state, open: alert.open.length },
          alert.message,
        );
        this.state?.publish(topics.alert(alert.site, alert.rule), JSON.stringify(alert), {
          qos: 1,
          retain: true,
        });
        for (const n of this.notifiers) n.notify(alert);
      }
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    this.receiver?.close();
    // Dead letters under way go out, and with them the acks of their readings, before the connections close.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.lettersInFlight]),
      new Promise((resolve) => {
        timer = setTimeout(resolve, DEAD_LETTERS_AT_STOP_MS);
      }),
    ]);
    clearTimeout(timer);
    await Promise.all(this.notifiers.map((n) => n.close()));
    await this.readings?.endAsync();
    await this.state?.endAsync();
  }
}
