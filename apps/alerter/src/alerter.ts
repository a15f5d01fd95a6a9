import {
  decodeReading,
  filters,
  parseTopic,
  topics,
  validateAlert,
  validateInfo,
  validateStatus,
} from '@wattbus/contract';
import { connectMqtt, publishDeadLetter } from '@wattbus/mqtt';
import type { MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { AlertBook } from './alert-book.js';
import type { AlerterConfig } from './config.js';
import { EmailNotifier } from './notify/email.js';
import type { Notifier } from './notify/notifier.js';
import { WebhookNotifier } from './notify/webhook.js';
import { createRules } from './rules/index.js';
import type { AlertRule } from './rules/rule.js';

/** Runs the alert rules over the MQTT stream and publishes alert state, retained, per (site, rule). */
export class Alerter {
  readonly book = new AlertBook();
  readonly stats = { received: 0, deadLettered: 0, published: 0 };
  private readonly rules: AlertRule[];
  private notifiers: Notifier[] = [];
  private client: MqttClient | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** Until the first evaluation, retained alerts are taken back into the book instead of being re-raised. */
  private restoring = true;

  constructor(
    private readonly config: AlerterConfig,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.rules = createRules(config.rules, config.overrides);
  }

  async start(): Promise<void> {
    const { log } = this;
    const { webhook, email } = this.config.notify;
    if (webhook) this.notifiers.push(new WebhookNotifier(webhook, log));
    if (email) this.notifiers.push(new EmailNotifier(email, log));
    const client = connectMqtt(this.config.mqtt, {
      clientId: this.config.consumer.id,
      onEvent: (event) => {
        if (event.type === 'error') log.error(event, 'mqtt error');
        else log.info(event, `mqtt ${event.type}`);
      },
    });
    this.client = client;
    client.on('message', (topic, payload) => this.onMessage(topic, payload));
    await new Promise<void>((resolve) => client.once('connect', () => resolve()));
    await client.subscribeAsync([filters.alerts, filters.infos, filters.statuses, filters.readings], {
      qos: 1,
    });
    log.info('subscribed');
    this.timer = setInterval(() => this.evaluate(), this.config.evaluate_every_ms);
  }

  private onMessage(topic: string, payload: Buffer): void {
    this.stats.received++;
    const problem = this.dispatch(topic, payload, this.now());
    if (problem) this.deadLetter(topic, payload, problem);
  }

  /** Hands a message to the rules; returns why it is unusable, if it is. */
  private dispatch(topic: string, payload: Buffer, now: number): string | undefined {
    let parsed: ReturnType<typeof parseTopic>;
    try {
      parsed = parseTopic(topic);
    } catch (err) {
      return `bad topic: ${(err as Error).message}`;
    }
    if (parsed.kind === 'reading') {
      const decoded = decodeReading(topic, payload);
      if (!decoded.ok) return decoded.reason;
      for (const rule of this.rules) rule.onReading?.(decoded.value, now);
      return undefined;
    }
    if (payload.byteLength === 0) return undefined; // a cleared retained message
    let data: unknown;
    try {
      data = JSON.parse(payload.toString('utf8'));
    } catch (err) {
      return `not JSON: ${(err as Error).message}`;
    }
    if (parsed.kind === 'info') {
      const r = validateInfo(data);
      if (!r.ok) return `schema: ${r.errors.join('; ')}`;
      for (const rule of this.rules) rule.onInfo?.(r.value, now);
    } else if (parsed.kind === 'status') {
      const r = validateStatus(data);
      if (!r.ok) return `schema: ${r.errors.join('; ')}`;
      for (const rule of this.rules) rule.onStatus?.(parsed.site, r.value, now);
    } else if (parsed.kind === 'alert' && this.restoring) {
      const r = validateAlert(data);
      if (!r.ok) return `schema: ${r.errors.join('; ')}`;
      this.book.restore(r.value);
      for (const rule of this.rules) if (rule.id === r.value.rule) rule.onRestore?.(r.value, now);
    }
    return undefined;
  }

  private deadLetter(topic: string, payload: Buffer, reason: string): void {
    this.stats.deadLettered++;
    this.log.warn({ topic, reason: reason.slice(0, 300) }, 'dead-lettered');
    publishDeadLetter(this.client as MqttClient, this.config.consumer.id, topic, payload, reason).catch((err) =>
      this.log.error({ err: (err as Error).message }, 'dead letter not published'),
    );
  }

  private evaluate(): void {
    this.restoring = false;
    const now = this.now();
    for (const rule of this.rules) {
      for (const alert of this.book.update(rule, rule.evaluate(now), now)) {
        this.stats.published++;
        this.log.info(
          { site: alert.site, rule: alert.rule, state: alert.state, open: alert.open.length },
          alert.message,
        );
        this.client?.publish(topics.alert(alert.site, alert.rule), JSON.stringify(alert), {
          qos: 1,
          retain: true,
        });
        for (const n of this.notifiers) n.notify(alert);
      }
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all(this.notifiers.map((n) => n.close()));
    await this.client?.endAsync();
  }
}
