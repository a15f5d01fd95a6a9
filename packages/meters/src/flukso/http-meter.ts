import { type Anomaly, AnomalyLog, deviceTime } from '../anomalies.js';
import {
  type ChannelSample,
  type DriverChannel,
  type DriverCheckpoint,
  type DriverContext,
  type MeterDriver,
  MeterReadError,
} from '../driver.js';
import { deviceUrl, HttpClient, HttpError } from '../http/index.js';
import { channelPower, channelValues, type FluksoChannel, fluksoChannels } from './channels.js';
import type { FluksoConfig } from './config.js';
import { FluksoMessageError } from './payload.js';
import { type FluksoSecond, parseSeries, SERIES_QUERY } from './series.js';

/** A minute series is about 1.2 kB; anything much larger is not one. */
const MAX_ANSWER_BYTES = 64 * 1024;

/** A sensor's series by second: W, or undefined for "nan". */
type Series = Map<number, number | undefined>;

/**
 * A Fluksometer read through its local HTTP API (`/sensor/<id>?version=1.0&interval=minute&unit=watt`, port 8080):
 * every read GETs each sensor's last 60 one-second powers and returns, per channel, every second newer than the
 * last one returned where all the channel's sensors have a value, combined with their factors and phases as on the
 * MQTT path. So polls missed for up to 60 s, and agent restarts as short (with the checkpoint), lose nothing.
 * Power only: the local API serves no counters. Samples carry the Fluksometer's timestamps.
 */
export class FluksoHttpMeter implements MeterDriver {
  readonly channels: readonly DriverChannel[];
  readonly minIntervalMs = 1000;
  private readonly groups: FluksoChannel[];
  private readonly sensorIds: string[];
  private readonly client: HttpClient;
  /** Per channel, the device time (s) of the last sample returned. */
  private readonly lastTs = new Map<string, number>();
  /** Per sensor, the device time (s) of its newest value seen, or (never any) from when it is known to have none. */
  private readonly lastValueTs = new Map<string, number>();
  /** Glitches already reported, not to fail every read on the same stored glitch. */
  private readonly reported = new AnomalyLog();

  constructor(
    private readonly config: FluksoConfig,
    private readonly ctx: DriverContext,
  ) {
    try {
      this.groups = fluksoChannels(config.sensors);
    } catch (err) {
      throw new Error(`meter ${ctx.meterId}: config.${(err as Error).message}`);
    }
    this.channels = this.groups.map((g) => ({ id: g.id, values: channelValues(g, false) }));
    this.sensorIds = [...new Set(config.sensors.map((s) => s.id))];
    this.client = new HttpClient({ timeoutMs: config.connect_timeout_ms, maxBytes: MAX_ANSWER_BYTES });
    for (const [channel, ts] of savedLastTs(ctx.saved, this.groups)) this.lastTs.set(channel, ts);
  }

  checkpoint(): DriverCheckpoint | undefined {
    return this.lastTs.size === 0 ? undefined : { last_ts: Object.fromEntries(this.lastTs) };
  }

  async open(): Promise<void> {}

  async close(): Promise<void> {
    this.client.abort();
  }

  async read(_now: number): Promise<ChannelSample[]> {
    const series = await this.fetchAll();
    const times = [...series.values()].flatMap((s) => [...s.keys()]);
    const newest = Math.max(...times);
    if (!Number.isFinite(newest)) throw new MeterReadError(this.ctx.meterId, 'the Fluksometer answered empty series');
    this.checkClock(newest);
    this.checkStale(series, newest);

    const samples: ChannelSample[] = [];
    const anomalies = new Map<string, Anomaly>();
    const lastTs = new Map<string, number>();
    for (const g of this.groups) {
      const result = this.channelSamples(g, series);
      samples.push(...result.samples);
      for (const a of result.anomalies) anomalies.set(a.key, a);
      if (result.lastTs !== undefined) lastTs.set(g.id, result.lastTs);
    }
    // Report now, skip from the next read on; nothing is consumed, so that read returns this one's good seconds.
    this.reported.failOn(this.ctx.meterId, [...anomalies.values()]);
    for (const [channel, ts] of lastTs) this.lastTs.set(channel, ts);
    this.reported.forgetUpTo(Math.min(...times) - 1);
    return samples;
  }

  /** The minute series of every sensor, in parallel; the first failure (in config order) fails the read. */
  private async fetchAll(): Promise<Map<string, Series>> {
    const results = await Promise.allSettled(this.sensorIds.map((id) => this.fetchSeries(id)));
    const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as Error] : []));
    if (failures.length > 0) {
      const more = failures.length > 1 ? ` (and ${failures.length - 1} more sensors)` : '';
      throw new MeterReadError(this.ctx.meterId, `${failures[0]?.message}${more}`, { cause: failures[0] });
    }
    return new Map(results.map((r, i) => [this.sensorIds[i] as string, (r as PromiseFulfilledResult<Series>).value]));
  }

  private async fetchSeries(sensor: string): Promise<Series> {
    const url = deviceUrl(this.config.url, `/sensor/${sensor}?${SERIES_QUERY}`);
    let body: string;
    try {
      body = await this.client.getText(url);
    } catch (err) {
      if (!(err instanceof HttpError)) throw err;
      const hint = err.status === 404 ? ' (is the sensor id right, and the sensor enabled on this Fluksometer?)' : '';
      throw new Error(`sensor ${sensor}: ${err.message}${hint}`, { cause: err });
    }
    let seconds: FluksoSecond[];
    try {
      seconds = parseSeries(body);
    } catch (err) {
      if (!(err instanceof FluksoMessageError)) throw err;
      throw new Error(`sensor ${sensor}: ${url}: ${err.message}`, { cause: err });
    }
    return new Map(seconds.map((s) => [s.ts, s.value]));
  }

  private checkClock(newest: number): void {
    const last = Math.max(...this.lastTs.values());
    if (newest < last) {
      // Seconds up to `last` were returned already: wait for the device's clock to pass it again.
      throw new MeterReadError(
        this.ctx.meterId,
        `the Fluksometer's newest second (${deviceTime(newest)}) is older than the last one returned (${deviceTime(last)}): ` +
          'its clock went back; readings resume when it gets past that time',
      );
    }
  }

  /** Fails the read if a sensor has had no value for stale_after_s seconds of device time. */
  private checkStale(series: Map<string, Series>, newest: number): void {
    const stale: string[] = [];
    for (const [sensor, s] of series) {
      const times = [...s.keys()];
      const valued = times.filter((ts) => s.get(ts) !== undefined);
      // Never seen a value: it had none since just before the oldest second of this answer, at least.
      const known = this.lastValueTs.get(sensor) ?? Math.min(newest, ...times) - 1;
      const last = Math.max(known, ...valued);
      this.lastValueTs.set(sensor, last);
      if (newest - last >= this.config.stale_after_s) stale.push(`${sensor} for ${newest - last} s`);
    }
    if (stale.length > 0) throw new MeterReadError(this.ctx.meterId, `no data from sensor ${stale.join(', sensor ')}`);
  }

  /**
   * The seconds newer than the channel's last sample where all its sensors have a value (only the newest one on a
   * first read), each summed with the factors; a second with a value beyond max_power_w is skipped (an anomaly).
   */
  private channelSamples(
    g: FluksoChannel,
    series: Map<string, Series>,
  ): { samples: ChannelSample[]; anomalies: Anomaly[]; lastTs: number | undefined } {
    const after = this.lastTs.get(g.id);
    const sensorSeries = g.entries.map((e) => series.get(e.id) as Series);
    const [first] = sensorSeries;
    let candidates = [...(first?.keys() ?? [])].filter(
      (ts) => (after === undefined || ts > after) && sensorSeries.every((s) => s.get(ts) !== undefined),
    );
    if (after === undefined) candidates = candidates.slice(-1);
    const samples: ChannelSample[] = [];
    const anomalies: Anomaly[] = [];
    for (const ts of candidates) {
      const watts = sensorSeries.map((s) => s.get(ts) as number);
      const beyond = g.entries.flatMap((e, i) => {
        const w = watts[i] as number;
        if (Math.abs(w) <= this.config.max_power_w) return [];
        return [
          {
            key: `${e.id}@${ts}`,
            message:
              `sensor ${e.id}: ${w} W at ${deviceTime(ts)} is implausible (max_power_w ${this.config.max_power_w}): ` +
              'that second is dropped',
          },
        ];
      });
      anomalies.push(...beyond.filter((a) => !this.reported.has(a.key)));
      if (beyond.length > 0) continue;
      samples.push({ channel: g.id, ts: ts * 1000, values: channelPower(g, watts) });
    }
    return { samples, anomalies, lastTs: candidates.at(-1) };
  }
}

/** `{ last_ts: { <channel>: <s> } }` from a checkpoint, for the configured channels; nothing if malformed. */
function savedLastTs(saved: unknown, groups: readonly FluksoChannel[]): Array<[string, number]> {
  const lastTs = (saved as { last_ts?: unknown } | null | undefined)?.last_ts;
  if (typeof lastTs !== 'object' || lastTs === null || Array.isArray(lastTs)) return [];
  const entries = Object.entries(lastTs);
  if (!entries.every(([, ts]) => typeof ts === 'number' && Number.isSafeInteger(ts) && ts > 0)) return [];
  const configured = new Set(groups.map((g) => g.id));
  return entries.filter(([channel]) => configured.has(channel)) as Array<[string, number]>;
}
