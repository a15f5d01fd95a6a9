import { filters, parseTopic, validateInfo } from '@wattbus/contract';
import { connectMqtt, type MqttConnection } from '@wattbus/mqtt';
import { NO_SITE_TAGS, type SinkContext } from '@wattbus/sinks';
import type { MqttClient } from 'mqtt';
import type { Logger } from 'pino';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The snapshot of retained infos is complete once none came for this long after the subscription… */
const SETTLE_MS = 150;
/** …or after this long in any case. */
const MAX_WAIT_MS = 5_000;

/**
 * The tags of every site's retained `info` message, kept current, for sinks that write them with the readings
 * (InfluxDB's city and postcode tags). Its own clean-session connection subscribes to the infos and `start` returns
 * once the broker's retained snapshot has arrived, so the readings that a persistent session holds for the worker
 * are written with their site's tags from the first batch on.
 */
export class SiteDirectory implements SinkContext {
  private readonly tags = new Map<string, Readonly<Record<string, string>>>();
  private client: MqttClient | undefined;

  constructor(
    private readonly mqtt: MqttConnection,
    private readonly clientId: string,
    private readonly log: Logger,
  ) {}

  siteTags(site: string): Readonly<Record<string, string>> {
    return this.tags.get(site) ?? NO_SITE_TAGS;
  }

  async start(): Promise<void> {
    // Its own client id, whatever mqtt.client_id says: the readings' persistent session must not be taken over.
    const client = connectMqtt({ ...this.mqtt, client_id: this.clientId }, { clientId: this.clientId, clean: true });
    this.client = client;
    let lastInfoAt = Date.now();
    client.on('message', (topic, payload) => {
      lastInfoAt = Date.now();
      this.onInfo(topic, payload);
    });
    await new Promise<void>((resolve) => client.once('connect', () => resolve()));
    await client.subscribeAsync(filters.infos, { qos: 1 });
    const started = Date.now();
    lastInfoAt = started;
    while (Date.now() - lastInfoAt < SETTLE_MS && Date.now() - started < MAX_WAIT_MS) await sleep(50);
    this.log.info({ sites: this.tags.size }, 'site infos loaded');
  }

  private onInfo(topic: string, payload: Buffer): void {
    let site: string;
    try {
      const parsed = parseTopic(topic);
      if (parsed.kind !== 'info') return;
      site = parsed.site;
    } catch {
      return;
    }
    if (payload.byteLength === 0) {
      this.tags.delete(site); // a cleared retained info
      return;
    }
    let checked: ReturnType<typeof validateInfo>;
    try {
      checked = validateInfo(JSON.parse(payload.toString('utf8')));
    } catch {
      checked = { ok: false, errors: ['not JSON'] };
    }
    // A bad info keeps the site's previous tags: its series do not change because of it. The alerter dead-letters it.
    if (checked.ok) this.tags.set(site, checked.value.tags ?? NO_SITE_TAGS);
    else this.log.warn({ site, errors: checked.errors.slice(0, 3) }, 'unusable site info ignored');
  }

  async stop(): Promise<void> {
    await this.client?.endAsync();
  }
}
