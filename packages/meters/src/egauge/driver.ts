import {
  type ChannelSample,
  type DriverChannel,
  type DriverContext,
  type MeterDriver,
  MeterReadError,
} from '../driver.js';
import { deviceUrl, getDevicePage, type HttpClient, httpClientFor } from '../http/index.js';
import type { EgaugeConfig } from './config.js';
import { iso, samplesFromHistory } from './rates.js';
import { channelsOf, type RegisterMapping, registerMappings } from './registers.js';
import { EgaugeFormatError, type History, parseHistory } from './xml.js';

/** Rows asked for beyond the computed need: the device's newest row may lag our clock by a second or two. */
const SLACK_ROWS = 3;

/**
 * An eGauge read through its XML API. Every read asks `egauge-show` for the one-second rows stored since the last
 * sample returned (bounded by `history_rows`), so polls missed during an outage are filled in from the device's
 * history. Samples carry the rows' timestamps, and none is returned twice.
 */
export class EgaugeMeter implements MeterDriver {
  readonly channels: readonly DriverChannel[];
  readonly minIntervalMs = 1000;
  private readonly mappings: RegisterMapping[];
  private readonly client: HttpClient;
  /** Device time (s) of the last sample returned. */
  private lastTs: number | undefined;
  /** Device clock minus our clock, ms, as of the last answer: turns `now` into "rows since lastTs". */
  private clockOffsetMs = 0;
  /** Anomalies already reported, by `register@ts`, not to fail every read on the same stored glitch. */
  private readonly reported = new Set<string>();

  constructor(
    private readonly config: EgaugeConfig,
    private readonly ctx: DriverContext,
  ) {
    try {
      this.mappings = registerMappings(config.registers, config.max_power_w);
    } catch (err) {
      throw new Error(`meter ${ctx.meterId}: config.${(err as Error).message}`);
    }
    this.channels = channelsOf(this.mappings);
    this.client = httpClientFor(config);
  }

  async open(): Promise<void> {}

  async close(): Promise<void> {}

  async read(now: number): Promise<ChannelSample[]> {
    const url = deviceUrl(this.config.url, `/cgi-bin/egauge-show?S&s=0&n=${this.rowsWanted(now)}`);
    const history = this.parse(await getDevicePage(this.client, url, this.ctx.meterId));
    if (history.newestTs === undefined) throw new MeterReadError(this.ctx.meterId, `${url}: the answer has no rows`);
    this.clockOffsetMs = history.newestTs * 1000 - now;
    if (this.lastTs !== undefined && history.newestTs < this.lastTs - this.config.step_s) {
      // Rows at or before lastTs were returned already: wait for the device's clock to pass it again.
      throw new MeterReadError(
        this.ctx.meterId,
        `the eGauge's newest row (${iso(history.newestTs)}) is older than the last one returned ` +
          `(${iso(this.lastTs)}): its clock went back; readings resume when it gets past that time`,
      );
    }
    this.checkColumns(history);

    const result = samplesFromHistory(history, this.mappings, {
      step: this.config.step_s,
      after: this.lastTs,
      reported: this.reported,
    });
    if (result.anomalies.length > 0) {
      // Report now, skip from the next read on; nothing is consumed, so that read returns this one's good rows.
      for (const a of result.anomalies) this.reported.add(a.key);
      const more = result.anomalies.length > 1 ? ` (and ${result.anomalies.length - 1} more)` : '';
      throw new MeterReadError(this.ctx.meterId, `${result.anomalies[0]?.message}${more}`);
    }
    if (result.lastTs !== undefined) this.lastTs = result.lastTs;
    this.forgetReportedBefore(this.lastTs);
    return result.samples;
  }

  /** Enough one-second rows to reach back one step before the last sample returned, within history_rows. */
  private rowsWanted(now: number): number {
    const { step_s: step, history_rows: bound } = this.config;
    const minimum = 2 * step + SLACK_ROWS;
    if (this.lastTs === undefined) return minimum;
    const deviceNow = Math.ceil((now + this.clockOffsetMs) / 1000);
    const wanted = deviceNow - this.lastTs + step + SLACK_ROWS;
    return Math.max(minimum, Math.min(wanted, bound));
  }

  private parse(body: string): History {
    try {
      return parseHistory(body);
    } catch (err) {
      if (!(err instanceof EgaugeFormatError)) throw err;
      throw new MeterReadError(this.ctx.meterId, `eGauge answer unusable: ${err.message}`, { cause: err });
    }
  }

  private checkColumns(history: History): void {
    const types = new Map(history.columns.map((c) => [c.name, c.type]));
    for (const m of this.mappings) {
      const type = types.get(m.name);
      if (type === undefined) {
        const known = history.columns.map((c) => `"${c.name}"`).join(', ');
        throw new MeterReadError(this.ctx.meterId, `register "${m.name}" is not on the eGauge (it has ${known})`);
      }
      if (type !== '' && type !== m.deviceType) {
        throw new MeterReadError(
          this.ctx.meterId,
          `register "${m.name}" has type ${type} on the eGauge, but the config says ${m.unit}`,
        );
      }
    }
  }

  private forgetReportedBefore(ts: number | undefined): void {
    if (ts === undefined) return;
    for (const key of this.reported) {
      if (Number(key.slice(key.lastIndexOf('@') + 1)) <= ts) this.reported.delete(key);
    }
  }
}

export function createEgaugeMeter(config: EgaugeConfig, ctx: DriverContext): MeterDriver {
  return new EgaugeMeter(config, ctx);
}
