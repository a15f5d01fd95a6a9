import {
  applianceEstimatesTopic,
  decodeMessage,
  decodeReading,
  filters,
  parseRollupTopic,
  type Rollup,
  rollupFilter,
  validateRollup,
  voltageForecastTopic,
} from '@wattbus/contract';
import { isTimeZone } from '@wattbus/insights';
import {
  type HeldMessage,
  type ManualAckReceiver,
  type OutConnection,
  openConsumerSession,
  openOutConnection,
  publishDeadLetter,
} from '@wattbus/mqtt';
import type { MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import type { InsightsConfig } from './config.js';
import { type PowerBlock, PowerBlocks } from './power-blocks.js';
import { updateAppliances } from './site-appliances.js';
import { updateSite } from './site-forecast.js';
import { loadAppliances, loadSite, saveAppliances, saveSite } from './site-state.js';

/**
 * rollups (persistent session) → each site's hours and model, saved → its voltage forecast published (retained)
 * → PUBACK of the rollups. Rollups are acknowledged only once the site's state is on disk and the forecast is with
 * the broker; invalid ones go to the dead-letter topic, then are acknowledged; other intervals than 1 h are acked
 * and ignored.
 *
 * readings → the power of the `appliances.role` channel, cut in blocks → each completed block through the site's
 * appliance model, saved → its estimates published (retained). Readings are acknowledged on arrival: holding a
 * block's worth unacked per site would stall the session, so a crash loses the block under way (less time observed,
 * never a wrong figure).
 */
export class InsightsConsumer {
  private client: MqttClient | undefined;
  /** Forecasts, estimates and dead letters go out here, never behind the rollups the consumer session holds. */
  private out: OutConnection | undefined;
  private receiver: ManualAckReceiver | undefined;
  private pending = new Map<string, { rollups: Rollup[]; acks: Array<() => void> }>();
  private timer: NodeJS.Timeout | undefined;
  private working: Promise<void> = Promise.resolve();
  private readonly blocks: PowerBlocks;
  /** Each site's time zone as its retained info says. */
  private readonly infoZones = new Map<string, string>();

  constructor(
    private readonly config: InsightsConfig,
    private readonly log: Logger,
  ) {
    this.blocks = new PowerBlocks(config.appliances.block_s);
  }

  async start(): Promise<void> {
    const { config, log } = this;
    this.out = openOutConnection(config.mqtt, `${config.consumer.id}-out`, log);
    const session = openConsumerSession(config.mqtt, {
      clientId: config.consumer.id,
      filters: [rollupFilter(), filters.infos, ...(config.appliances.enabled ? [filters.readings] : [])],
      maxInFlight: config.consumer.max_in_flight,
      log,
      label: 'rollups',
      onMessage: (m) => this.onMessage(m),
    });
    this.client = session.client;
    this.receiver = session.receiver;
    await session.connected;
  }

  private onMessage(m: HeldMessage): void {
    if (m.topic.endsWith('/info')) {
      this.onInfo(m);
      return;
    }
    if (!parseRollupTopic(m.topic)) {
      this.onReading(m);
      return;
    }
    if (m.payload.byteLength > this.config.max_payload_bytes) {
      this.deadLetter(m, `payload over max_payload_bytes (${this.config.max_payload_bytes})`);
      return;
    }
    let data: unknown;
    try {
      data = JSON.parse(m.payload.toString('utf8'));
    } catch {
      this.deadLetter(m, 'not JSON');
      return;
    }
    const checked = validateRollup(data);
    if (!checked.ok) {
      this.deadLetter(m, `not a rollup: ${checked.errors.join('; ')}`);
      return;
    }
    if (checked.value.interval !== '1h') {
      m.ack();
      return;
    }
    const batch = this.pending.get(checked.value.site) ?? { rollups: [], acks: [] };
    batch.rollups.push(checked.value);
    batch.acks.push(m.ack);
    this.pending.set(checked.value.site, batch);
    this.timer ??= setTimeout(() => this.flush(), this.config.batch.max_delay_ms);
  }

  /** A site's info: its time zone, when it names one this runtime knows, is the site's zone for the forecast. */
  private onInfo(m: HeldMessage): void {
    // No clock-skew check: a retained info keeps the time it was published at.
    const decoded = decodeMessage(m.topic, m.payload, {
      maxBytes: this.config.max_payload_bytes,
      maxFutureMs: Number.POSITIVE_INFINITY,
    });
    if (!decoded.ok) {
      this.deadLetter(m, decoded.reason);
      return;
    }
    const { site, value } = decoded.value as { site: string; value: { timezone?: string } | null };
    const zone = value?.timezone;
    if (zone !== undefined && !isTimeZone(zone)) {
      this.deadLetter(m, `info: unknown time zone ${JSON.stringify(zone)}`);
      return;
    }
    if (zone === undefined) this.infoZones.delete(site);
    else this.infoZones.set(site, zone);
    m.ack();
  }

  private onReading(m: HeldMessage): void {
    const { config } = this;
    const decoded = decodeReading(m.topic, m.payload, {
      maxBytes: config.max_payload_bytes,
      maxFutureMs: config.max_future_ms,
    });
    if (!decoded.ok) {
      this.deadLetter(m, decoded.reason);
      return;
    }
    const r = decoded.value;
    const power = r.values.power_w;
    const block =
      r.role === config.appliances.role && power !== undefined ? this.blocks.add(r.site, r.ts, power) : undefined;
    m.ack();
    if (block) this.working = this.working.then(() => this.recogniseBlock(block));
  }

  private async recogniseBlock(block: PowerBlock): Promise<void> {
    const dir = this.config.state.dir;
    try {
      const update = updateAppliances(await loadAppliances(dir, block.site), block);
      if (update.problem)
        this.log.warn({ site: block.site, problem: update.problem }, 'appliance state unusable: starting afresh');
      await saveAppliances(dir, block.site, update.state);
      const client = (this.out as OutConnection).client;
      await client.publishAsync(applianceEstimatesTopic(block.site), JSON.stringify(update.message), {
        qos: 1,
        retain: true,
      });
      this.log.debug({ site: block.site, status: update.message.status }, 'appliance estimates published');
    } catch (err) {
      this.log.error({ err: (err as Error).message, site: block.site }, 'appliance block lost');
    }
  }

  /** Updates, saves and forecasts each site with rollups pending, then acks them; one flush at a time. */
  private flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batches = this.pending;
    this.pending = new Map();
    this.working = this.working.then(async () => {
      for (const [site, batch] of batches) {
        try {
          await this.forecastSite(site, batch.rollups);
          for (const ack of batch.acks) ack();
        } catch (err) {
          // Not acked: the broker redelivers them to the next session.
          this.log.error({ err: (err as Error).message, site }, 'site not updated; its rollups stay unacked');
        }
      }
    });
    return this.working;
  }

  private async forecastSite(site: string, rollups: Rollup[]): Promise<void> {
    const dir = this.config.state.dir;
    const { state, problem } = await loadSite(dir, site);
    if (problem) this.log.warn({ site, problem }, 'site state unreadable: starting the site afresh');
    // The zone of the last info seen is kept with the site: after a restart rollups may come before the info.
    if (this.infoZones.has(site)) state.info_timezone = this.infoZones.get(site);
    const update = updateSite(site, state, rollups, this.config.voltage);
    if (update.trained !== undefined) this.log.info({ site, status: update.trained }, 'voltage model trained');
    await saveSite(dir, site, state);
    const client = (this.out as OutConnection).client;
    await client.publishAsync(voltageForecastTopic(site), JSON.stringify(update.forecast), { qos: 1, retain: true });
    this.log.debug({ site, status: update.forecast.status, hours: update.forecast.hours.length }, 'forecast published');
  }

  private deadLetter(m: HeldMessage, reason: string): void {
    this.log.warn({ topic: m.topic, reason: reason.slice(0, 300), bytes: m.payload.byteLength }, 'dead-lettered');
    publishDeadLetter((this.out as OutConnection).client, this.config.consumer.id, m.topic, m.payload, reason).then(
      m.ack,
      (err) => this.log.error({ err: (err as Error).message, topic: m.topic }, 'dead letter not published; unacked'),
    );
  }

  /** Stops taking rollups, finishes those taken within `timeoutMs`, then disconnects; the rest is redelivered. */
  async stop(timeoutMs = 10_000): Promise<void> {
    this.receiver?.close();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, Math.max(timeoutMs - 2000, 0));
    });
    await Promise.race([this.flush(), deadline]);
    clearTimeout(timer);
    await this.client?.endAsync(false, {}).catch(() => {});
    await this.out?.stop();
  }
}
