import { decodeMessage, filters } from '@wattbus/contract';
import { connectMqtt, logConnectionEvents, type MqttConnection, subscribeRetained } from '@wattbus/mqtt';
import { NO_SITE_TAGS, type SinkContext } from '@wattbus/sinks';
import type { MqttClient } from 'mqtt';
import type { Logger } from 'pino';

/**
 * The tags of every site's retained `info` message, kept current, for sinks that write them with the readings
 * (InfluxDB's city and postcode tags), and which sites' agents are online (retained `status`), so the worker can
 * tell a suspicious silence. Its own clean-session connection subscribes to both and `start` returns once the
 * broker's retained snapshot has arrived, so the readings that a persistent session holds for the worker are
 * written with their site's tags from the first batch on.
 */
export class SiteDirectory implements SinkContext {
  private readonly tags = new Map<string, Readonly<Record<string, string>>>();
  private readonly online = new Set<string>();
  private client: MqttClient | undefined;

  constructor(
    private readonly mqtt: MqttConnection,
    private readonly clientId: string,
    /** Also the sinks' log (SinkContext). */
    readonly log: Logger,
  ) {}

  siteTags(site: string): Readonly<Record<string, string>> {
    return this.tags.get(site) ?? NO_SITE_TAGS;
  }

  async start(): Promise<void> {
    // Its own client id, whatever mqtt.client_id says: the readings' persistent session must not be taken over.
    const client = connectMqtt(
      { ...this.mqtt, client_id: this.clientId },
      { clientId: this.clientId, clean: true, onEvent: logConnectionEvents(this.log, 'site infos') },
    );
    this.client = client;
    client.on('message', (topic, payload) => this.onMessage(topic, payload));
    await new Promise<void>((resolve) => client.once('connect', () => resolve()));
    await subscribeRetained(client, [filters.infos, filters.statuses]);
    this.log.info({ online: this.online.size, sites: this.tags.size }, 'site infos loaded');
  }

  /** Sites whose agent's retained status says online. */
  onlineSites(): number {
    return this.online.size;
  }

  private onMessage(topic: string, payload: Buffer): void {
    const decoded = decodeMessage(topic, payload);
    if (!decoded.ok) {
      // A bad info keeps the site's previous tags: its series do not change because of it. The alerter dead-letters it.
      this.log.warn(
        { topic: topic.slice(0, 200), reason: decoded.reason.slice(0, 300) },
        'unusable site message ignored',
      );
      return;
    }
    const message = decoded.value;
    if (message.kind === 'info') {
      if (message.value === null)
        this.tags.delete(message.site); // a cleared retained info
      else this.tags.set(message.site, message.value.tags ?? NO_SITE_TAGS);
    } else if (message.kind === 'status') {
      if (message.value?.state === 'online') this.online.add(message.site);
      else this.online.delete(message.site);
    }
  }

  async stop(): Promise<void> {
    await this.client?.endAsync();
  }
}
