import { type Alert, type DeadLetter, exampleReading, type Info, topics, validateAlert } from '@wattbus/contract';
import { type ProcessHandle, startApp, waitFor } from '@wattbus/testkit';
import mqtt, { type MqttClient } from 'mqtt';

export { TEST_BROKER_NAMES as BROKER_NAMES, TEST_BROKERS as BROKERS, type TestBroker } from '@wattbus/testkit';

export const INTERVAL_MS = 200;

/**
 * The alerter app as a child process: evaluates every 200 ms, missing after 3 intervals, offline at once;
 * `extra` adds config sections (its `rules` are merged with those).
 */
export function startAlerter(
  url: string,
  consumerId?: string,
  extra: { rules?: object; [key: string]: unknown } = {},
): Promise<ProcessHandle> {
  return startApp('alerter', {
    mqtt: { url, reconnect_min_ms: 200 },
    ...(consumerId && { consumer: { id: consumerId } }),
    evaluate_every_ms: 200,
    ...extra,
    rules: { missing_data: { after_intervals: 3, offline_grace_ms: 0 }, ...extra.rules },
  });
}

export const info = (site: string, channels: string[], meter = 'main'): Info => ({
  v: 1,
  site,
  ts: Date.now(),
  meters: [
    {
      id: meter,
      driver: 'simulated',
      interval_ms: INTERVAL_MS,
      channels: channels.map((id) => ({ id, role: 'grid' as const })),
    },
  ],
});

export async function publishRetained(client: MqttClient, topic: string, payload: object | string): Promise<void> {
  await client.publishAsync(topic, typeof payload === 'string' ? payload : JSON.stringify(payload), {
    qos: 1,
    retain: true,
  });
}

export interface SeenAlert {
  topic: string;
  retain: boolean;
  alert: Alert;
}

/** A subscriber that records every alert and dead letter it receives, in order. */
export class Observer {
  readonly alerts: SeenAlert[] = [];
  readonly letters: Array<{ topic: string; letter: DeadLetter }> = [];
  readonly invalid: string[] = [];

  private constructor(readonly client: MqttClient) {
    client.on('message', (topic, payload, packet) => {
      let data: unknown;
      try {
        data = JSON.parse(payload.toString('utf8'));
      } catch {
        this.invalid.push(`${topic}: not JSON`);
        return;
      }
      if (topic.startsWith('wattbus/v1/dlq/')) {
        this.letters.push({ topic, letter: data as DeadLetter });
        return;
      }
      const r = validateAlert(data);
      if (!r.ok) this.invalid.push(`${topic}: ${r.errors.join('; ')}`);
      else this.alerts.push({ topic, retain: packet.retain, alert: r.value });
    });
  }

  static async connect(url: string, clientId: string): Promise<Observer> {
    const client = await mqtt.connectAsync(url, { clientId, reconnectPeriod: 200 });
    await client.subscribeAsync(['wattbus/v1/alerts/+/+', 'wattbus/v1/dlq/+'], { qos: 1 });
    return new Observer(client);
  }

  alertsOf(site: string, from = 0): SeenAlert[] {
    return this.alerts.slice(from).filter((a) => a.alert.site === site);
  }

  /** Waits for the first alert of `site` at index ≥ `from` that satisfies `match`. */
  async waitForAlert(site: string, what: string, match: (a: Alert) => boolean, from = 0): Promise<SeenAlert> {
    return waitFor(() => this.alertsOf(site, from).find((a) => match(a.alert)), {
      what: `alert of ${site}: ${what}`,
      timeoutMs: 8000,
    });
  }

  async close(): Promise<void> {
    await this.client.endAsync();
  }
}

export const subjectsOf = (a: Alert) => a.open.map((o) => o.subject).sort();

/**
 * Publishes a valid Reading every 50 ms (four per 200 ms interval) for each active channel, with increasing
 * seq and the current time, like an agent would; `pause`/`resume` silence a channel.
 */
export class Feeder {
  private readonly active = new Set<string>();
  private seq = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly client: MqttClient,
    channels: Array<[site: string, meter: string, channel: string]>,
  ) {
    for (const c of channels) this.active.add(c.join('/'));
    this.timer = setInterval(() => this.tick(), 50);
  }

  private tick(): void {
    for (const key of this.active) {
      const [site, meter, channel] = key.split('/') as [string, string, string];
      const reading = { ...exampleReading(), site, meter, channel, seq: ++this.seq, ts: Date.now() };
      this.client.publish(topics.reading(site, meter), JSON.stringify(reading), { qos: 1 }, () => {});
    }
  }

  pause(...c: [site: string, meter: string, channel: string]): void {
    this.active.delete(c.join('/'));
  }

  resume(...c: [site: string, meter: string, channel: string]): void {
    this.active.add(c.join('/'));
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

/** What a fresh subscriber to `topic` receives first: the retained message (a topic holds at most one). */
export async function retainedAlert(url: string, topic: string, clientId: string): Promise<SeenAlert> {
  const client = await mqtt.connectAsync(url, { clientId, reconnectPeriod: 200 });
  try {
    const seen: SeenAlert[] = [];
    client.on('message', (t, payload, packet) => {
      seen.push({ topic: t, retain: packet.retain, alert: JSON.parse(payload.toString('utf8')) as Alert });
    });
    await client.subscribeAsync(topic, { qos: 1 });
    return await waitFor(() => seen[0], { what: `the retained message on ${topic}` });
  } finally {
    await client.endAsync();
  }
}
