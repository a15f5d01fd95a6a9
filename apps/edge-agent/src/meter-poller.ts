import type { Reading } from '@wattbus/contract';
import {
  type ChannelSample,
  type DriverChannel,
  type DriverCheckpoint,
  defaultRole,
  type MeterDriver,
  MeterReadError,
  PartialReadError,
  toReading,
} from '@wattbus/meters';
import type { ChannelConfig, MeterConfig } from './config.js';

export interface MeterHealthState {
  reads_ok: number;
  read_errors: number;
  last_ok_ts?: number;
  last_error?: string;
}

export interface PollerHooks {
  /** The readings of one poll, in channel order, and the driver's checkpoint as of them (if it keeps one). */
  readings(readings: Reading[], checkpoint: DriverCheckpoint | undefined): void;
  error(meter: string, error: Error): void;
  nextSeq(meter: string, channel: string): number;
}

/**
 * Polls one meter on its own timer, aligned to multiples of its interval (like Telegraf's round_interval),
 * so one slow or failing meter never delays another. A read still running when the next tick comes makes
 * that tick skip rather than pile up.
 */
export class MeterPoller {
  readonly health: MeterHealthState = { reads_ok: 0, read_errors: 0 };
  private timer: NodeJS.Timeout | undefined;
  private busy: Promise<void> | undefined;
  private stopped = false;
  private opened = false;
  private lastTick = 0;
  private lastReadTs = 0;
  private readonly channels: Map<string, ChannelConfig>;

  constructor(
    private readonly site: string,
    private readonly meter: MeterConfig,
    private readonly driver: MeterDriver,
    private readonly hooks: PollerHooks,
  ) {
    this.channels = new Map(channelsFor(meter, driver).map((c) => [c.id, c]));
  }

  get id(): string {
    return this.meter.id;
  }

  get publishedChannels(): ChannelConfig[] {
    return [...this.channels.values()];
  }

  /** The value names the driver reports on a channel. */
  valuesOf(channel: string): DriverChannel['values'] {
    return this.driver.channels.find((c) => c.id === channel)?.values ?? [];
  }

  /** Starts the timer; the driver is opened by the first poll, and again after a failed open. */
  start(): void {
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped) return;
    const interval = this.meter.interval_ms;
    // The next multiple of the interval after the last tick: a timer that fires a little early or late
    // never makes two ticks in one interval. If the clock stepped back (lastTick more than an interval
    // ahead of now), waiting for lastTick + interval would stop polling for as long as the step: follow the clock.
    const now = Date.now();
    let target = Math.ceil((now + 1) / interval) * interval;
    if (target - this.lastTick < interval && this.lastTick - now <= interval) target = this.lastTick + interval;
    this.lastTick = target;
    this.timer = setTimeout(() => {
      this.schedule();
      if (this.busy) return;
      // Readings of a channel are identified by their ts: keep it strictly increasing, whatever the clock does.
      const ts = Math.max(Date.now(), this.lastReadTs + 1);
      this.lastReadTs = ts;
      this.busy = this.pollOnce(ts).then(
        () => {},
        () => {},
      );
      this.busy.finally(() => (this.busy = undefined));
    }, target - now);
  }

  /**
   * Reads once and hands every reading to the hooks; returns how many readings were made. A read that failed for
   * some channels only counts as a failed read, and the channels it did read are published.
   */
  async pollOnce(now: number): Promise<number> {
    let samples: ChannelSample[];
    try {
      if (!this.opened) {
        await this.driver.open();
        this.opened = true;
      }
      samples = await this.driver.read(now);
      this.health.reads_ok++;
      this.health.last_ok_ts = now;
    } catch (err) {
      const error =
        err instanceof MeterReadError ? err : new MeterReadError(this.meter.id, (err as Error).message, { cause: err });
      this.health.read_errors++;
      this.health.last_error = error.message;
      this.hooks.error(this.meter.id, error);
      if (!(error instanceof PartialReadError)) return 0;
      samples = error.samples;
    }
    const readings: Reading[] = [];
    for (const sample of samples) {
      const channel = this.channels.get(sample.channel);
      if (!channel) continue;
      const reading = toReading(this.site, this.meter.id, channel, sample, () =>
        this.hooks.nextSeq(this.meter.id, channel.id),
      );
      if (reading) readings.push(reading);
    }
    if (readings.length > 0) this.hooks.readings(readings, this.driver.checkpoint?.());
    return readings.length;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.busy;
    if (this.opened) await this.driver.close();
  }
}

/** The configured channels, or every driver channel with a role guessed from its id. */
export function channelsFor(meter: MeterConfig, driver: MeterDriver): ChannelConfig[] {
  if (meter.channels) return meter.channels;
  return driver.channels.map((c) => ({
    id: c.id,
    role: defaultRole(c.id),
    sign: 1,
  }));
}
