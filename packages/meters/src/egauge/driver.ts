import { AnomalyLog, deviceTime } from '../anomalies.js';
import {
  type ChannelSample,
  type DriverChannel,
  type DriverCheckpoint,
  type DriverContext,
  type MeterDriver,
  MeterReadError,
} from '../driver.js';
import { deviceUrl, getDevicePage, type HttpClient, httpClientFor } from '../http/index.js';
import type { EgaugeConfig } from './config.js';
import { samplesFromInstant } from './instant.js';
import { samplesFromHistory } from './rates.js';
import { channelsOf, type RegisterMapping, registerMappings } from './registers.js';
import { EgaugeFormatError, type HistoryColumn, parseHistory, parseInstant } from './xml.js';

/** Rows asked for beyond the computed need: the device's newest row may lag our clock by a second or two. */
const SLACK_ROWS = 3;

/**
 * An eGauge read through its XML API. With `api: history` every read asks `egauge-show` for the one-second rows stored
 * since the last sample returned (bounded by `history_rows`), so polls missed during an outage, or while the agent was
 * stopped, are filled in from the device's history. With `api: instantaneous` every read asks `egauge?inst&tot` for
 * the device's values over its last second. Samples carry the device's timestamps, and none is returned twice.
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
  /** Glitches already reported, not to fail every read on the same stored glitch. */
  private readonly reported = new AnomalyLog();

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
    const saved = ctx.saved as { last_ts?: unknown } | undefined;
    if (typeof saved?.last_ts === 'number' && Number.isSafeInteger(saved.last_ts)) this.lastTs = saved.last_ts;
  }

  checkpoint(): DriverCheckpoint | undefined {
    return this.lastTs === undefined ? undefined : { last_ts: this.lastTs };
  }

  async open(): Promise<void> {}

  async close(): Promise<void> {
    this.client.abort();
  }

  read(now: number): Promise<ChannelSample[]> {
    return this.config.api === 'instantaneous' ? this.readInstant() : this.readHistory(now);
  }

  private async readHistory(now: number): Promise<ChannelSample[]> {
    const url = deviceUrl(this.config.url, `/cgi-bin/egauge-show?S&s=0&n=${this.rowsWanted(now)}`);
    const history = await this.parse(url, parseHistory);
    if (history.newestTs === undefined) throw new MeterReadError(this.ctx.meterId, `${url}: the answer has no rows`);
    this.clockOffsetMs = history.newestTs * 1000 - now;
    this.checkClock(history.newestTs, this.config.step_s);
    this.checkColumns(history.columns);
    const result = samplesFromHistory(history, this.mappings, {
      step: this.config.step_s,
      after: this.lastTs,
      reported: this.reported,
    });
    // Report now, skip from the next read on; nothing is consumed, so that read returns this one's good rows.
    this.reported.failOn(this.ctx.meterId, result.anomalies);
    if (result.lastTs !== undefined) this.lastTs = result.lastTs;
    if (this.lastTs !== undefined) this.reported.forgetUpTo(this.lastTs);
    return result.samples;
  }

  private async readInstant(): Promise<ChannelSample[]> {
    const url = deviceUrl(this.config.url, '/cgi-bin/egauge?inst&tot');
    const instant = await this.parse(url, parseInstant);
    this.checkClock(instant.ts, 0);
    this.checkColumns([...instant.registers].map(([name, r]) => ({ name, type: r.type })));
    // The device has not measured since the last read: nothing new, and nothing twice.
    if (this.lastTs !== undefined && instant.ts <= this.lastTs) return [];
    const result = samplesFromInstant(instant, this.mappings);
    this.reported.forgetUpTo(instant.ts - 1); // each answer is a new second: nothing to skip later
    this.reported.failOn(this.ctx.meterId, result.anomalies);
    this.lastTs = instant.ts;
    return result.samples;
  }

  private checkClock(newestTs: number, tolerance: number): void {
    if (this.lastTs !== undefined && newestTs < this.lastTs - tolerance) {
      // Rows at or before lastTs were returned already: wait for the device's clock to pass it again.
      throw new MeterReadError(
        this.ctx.meterId,
        `the eGauge's newest row (${deviceTime(newestTs)}) is older than the last one returned ` +
          `(${deviceTime(this.lastTs)}): its clock went back; readings resume when it gets past that time`,
      );
    }
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

  private async parse<T>(url: string, parser: (body: string) => T): Promise<T> {
    const body = await getDevicePage(this.client, url, this.ctx.meterId);
    try {
      return parser(body);
    } catch (err) {
      if (!(err instanceof EgaugeFormatError)) throw err;
      throw new MeterReadError(this.ctx.meterId, `eGauge answer unusable: ${err.message}`, { cause: err });
    }
  }

  private checkColumns(columns: readonly HistoryColumn[]): void {
    const types = new Map(columns.map((c) => [c.name, c.type]));
    for (const m of this.mappings) {
      const type = types.get(m.name);
      if (type === undefined) {
        const known = columns.map((c) => `"${c.name}"`).join(', ');
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
}

export function createEgaugeMeter(config: EgaugeConfig, ctx: DriverContext): MeterDriver {
  return new EgaugeMeter(config, ctx);
}
