import type { ValueName } from '@wattbus/contract';
import {
  type ChannelSample,
  type DriverChannel,
  type DriverContext,
  type MeterDriver,
  MeterReadError,
  PartialReadError,
} from '../driver.js';
import { deviceUrl, getDevicePage, type HttpClient, httpClientFor } from '../http/index.js';
import { type EcodevicesConfig, TARIFF_OPTIONS } from './config.js';
import { ABSENT, EcodevicesDataError, parseStatus, pulseCounter, type Status, teleinfo } from './status.js';

const TELEINFO_VALUES: readonly ValueName[] = ['apparent_power_va', 'energy_import_wh'];
const COUNTERS = ['c1', 'c2'] as const;

/** Channels from the config; throws if two sources would write the same value of a channel. */
function channelsFor(config: EcodevicesConfig): DriverChannel[] {
  const channels = new Map<string, ValueName[]>();
  const add = (channel: string, value: ValueName, source: string) => {
    const values = channels.get(channel) ?? [];
    if (values.includes(value)) throw new Error(`${source}: ${channel}.${value} is already reported by another input`);
    values.push(value);
    channels.set(channel, values);
  };
  for (const input of config.teleinfo) {
    for (const value of TELEINFO_VALUES) add(input, value, input);
    const option = config.tariff_option?.[input];
    if (option) for (const rate of Object.values(TARIFF_OPTIONS[option])) add(input, `energy_import_wh_${rate}`, input);
  }
  for (const counter of COUNTERS) {
    const c = config[counter];
    if (c) add(c.channel, c.value as ValueName, counter);
  }
  return [...channels].map(([id, values]) => ({ id, values }));
}

/**
 * A GCE Eco-devices read through `/api/xdevices.json?cmd=10`: teleinfo inputs T1/T2 (apparent power, energy index,
 * tariff period) and, when configured, the pulse counters C1/C2. The device gives no timestamp: samples are at the
 * time of the read.
 */
export class EcodevicesMeter implements MeterDriver {
  readonly channels: readonly DriverChannel[];
  readonly minIntervalMs = 1000;
  private readonly client: HttpClient;
  private lastTs = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly config: EcodevicesConfig,
    private readonly ctx: DriverContext,
  ) {
    try {
      this.channels = channelsFor(config);
    } catch (err) {
      throw new Error(`meter ${ctx.meterId}: config.${(err as Error).message}`);
    }
    this.client = httpClientFor(config);
  }

  async open(): Promise<void> {}

  async close(): Promise<void> {
    this.client.abort();
  }

  async read(now: number): Promise<ChannelSample[]> {
    const url = deviceUrl(this.config.url, '/api/xdevices.json?cmd=10');
    const body = await getDevicePage(this.client, url, this.ctx.meterId);
    // The agent gives increasing times; this keeps a channel's ts unique whatever the caller does.
    const ts = Math.max(now, this.lastTs + 1);
    let read: { samples: ChannelSample[]; metered: number };
    try {
      read = this.samples(parseStatus(body), ts);
    } catch (err) {
      if (!(err instanceof EcodevicesDataError)) throw err;
      throw new MeterReadError(this.ctx.meterId, `Eco-devices answer unusable: ${err.message}`, { cause: err });
    }
    this.lastTs = ts;
    const { samples, metered } = read;
    if (this.config.teleinfo.length > 0 && metered === 0) {
      // The pulse counters are inputs of their own: they keep reading.
      const fields = this.config.teleinfo.map((t) => `${t.toUpperCase()}_PTEC`).join(' and ');
      throw new PartialReadError(
        this.ctx.meterId,
        samples,
        `no meter on the teleinfo inputs (${fields} "${ABSENT}"): is the meter wired?`,
      );
    }
    return samples;
  }

  /** The samples of an answer, and how many configured teleinfo inputs have a meter. */
  private samples(data: Status, ts: number): { samples: ChannelSample[]; metered: number } {
    const byChannel = new Map<string, ChannelSample>();
    const sample = (channel: string) => {
      const existing = byChannel.get(channel) ?? { channel, ts, values: {} };
      byChannel.set(channel, existing);
      return existing;
    };
    let metered = 0;
    for (const input of this.config.teleinfo) {
      const reading = teleinfo(data, input, this.config.max_apparent_power_va, this.config.tariff_option?.[input]);
      if (!reading) continue;
      metered++;
      const s = sample(input);
      Object.assign(s.values, reading.values);
      s.labels = { tariff: reading.tariff };
    }
    for (const counter of COUNTERS) {
      const c = this.config[counter];
      if (c) sample(c.channel).values[c.value as ValueName] = pulseCounter(data, counter, c);
    }
    return { samples: this.channels.flatMap((c) => byChannel.get(c.id) ?? []), metered };
  }
}

export function createEcodevicesMeter(config: EcodevicesConfig, ctx: DriverContext): MeterDriver {
  return new EcodevicesMeter(config, ctx);
}
