import type { ValueName } from '@wattbus/contract';
import type { ChannelSample, DriverChannel } from '../driver.js';
import type { FluksoSensorConfig } from './config.js';
import { type FluksoKind, FluksoMessageError, type FluksoValue, parsePayload, parseTopic } from './payload.js';

/** Why a read cannot report: bad messages since the last read, or a silent sensor. */
export class FluksoDataError extends Error {
  override name = 'FluksoDataError';
}

interface Latest extends FluksoValue {
  /** Our clock when it arrived, ms: staleness does not depend on the Fluksometer's clock. */
  receivedAt: number;
}

interface SensorState {
  gauge?: Latest;
  counter?: Latest;
}

interface Channel {
  id: string;
  entries: FluksoSensorConfig[];
  /** energy_import_wh when every factor is positive, energy_export_wh when every one is negative. */
  energy?: 'energy_import_wh' | 'energy_export_wh';
  lastPowerTs: number;
  lastEnergyTs: number;
}

const MAX_PROBLEMS = 20;
const round3 = (x: number) => Math.round(x * 1000) / 1000;

/** Channels from the sensor list; throws if a sensor is listed twice for one channel. */
function channelsFrom(sensors: readonly FluksoSensorConfig[]): Channel[] {
  const channels = new Map<string, Channel>();
  for (const [i, s] of sensors.entries()) {
    const channel = channels.get(s.channel) ?? { id: s.channel, entries: [], lastPowerTs: 0, lastEnergyTs: 0 };
    if (channel.entries.some((e) => e.id === s.id)) {
      throw new Error(`sensors[${i}]: sensor ${s.id} is already listed for channel ${s.channel}`);
    }
    channel.entries.push(s);
    channels.set(s.channel, channel);
  }
  for (const channel of channels.values()) {
    const signs = new Set(channel.entries.filter((e) => e.factor !== 0).map((e) => Math.sign(e.factor)));
    // A clamp's counter grows whatever the direction: summing + and − counters would be neither import nor export.
    if (signs.size === 1) channel.energy = signs.has(1) ? 'energy_import_wh' : 'energy_export_wh';
  }
  return [...channels.values()];
}

/**
 * The latest gauge and counter of each configured sensor, as received from the Fluksometer, and the channels
 * made of them. `take` returns what is new since the previous take; problems are kept until then.
 */
export class FluksoSensors {
  readonly channels: readonly DriverChannel[];
  private readonly groups: Channel[];
  private readonly state = new Map<string, SensorState>();
  private problems: string[] = [];
  private problemCount = 0;

  constructor(
    sensors: readonly FluksoSensorConfig[],
    private readonly maxPowerW: number,
  ) {
    this.groups = channelsFrom(sensors);
    for (const s of sensors) this.state.set(s.id, {});
    this.channels = this.groups.map((g) => ({ id: g.id, values: valuesOf(g) }));
  }

  get sensorIds(): string[] {
    return [...this.state.keys()];
  }

  /** Whether every sensor has sent a power value. */
  get complete(): boolean {
    return [...this.state.values()].every((s) => s.gauge !== undefined);
  }

  /** A message from the broker; messages of unknown sensors or topics are ignored. */
  receive(topic: string, payload: Buffer | string, receivedAt: number): void {
    const parsed = parseTopic(topic);
    const state = parsed && this.state.get(parsed.sensor);
    if (!parsed || !state) return;
    try {
      this.update(state, parsed.kind, parsePayload(parsed.kind, payload), receivedAt);
    } catch (err) {
      if (!(err instanceof FluksoMessageError)) throw err;
      this.problem(`sensor ${parsed.sensor}: ${err.message}`);
    }
  }

  private update(state: SensorState, kind: FluksoKind, v: FluksoValue, receivedAt: number): void {
    const previous = state[kind];
    if (previous && v.ts <= previous.ts) return; // repeated or late
    if (kind === 'gauge' && Math.abs(v.value) > this.maxPowerW) {
      throw new FluksoMessageError(`gauge ${v.value} W is implausible (max_power_w ${this.maxPowerW}): dropped`);
    }
    if (kind === 'counter' && v.value < 0) throw new FluksoMessageError(`counter ${v.value} Wh is negative: dropped`);
    if (kind === 'counter' && previous && v.value > previous.value) {
      const impliedW = ((v.value - previous.value) * 3600) / (v.ts - previous.ts);
      if (impliedW > this.maxPowerW) {
        throw new FluksoMessageError(
          `counter jumped by ${v.value - previous.value} Wh in ${v.ts - previous.ts} s ` +
            `(${Math.round(impliedW)} W, max_power_w ${this.maxPowerW}): dropped`,
        );
      }
    }
    state[kind] = { ...v, receivedAt };
  }

  private problem(message: string): void {
    this.problemCount++;
    if (this.problems.length < MAX_PROBLEMS) this.problems.push(message);
  }

  /**
   * What arrived since the previous take, one sample per channel and time. Throws (and forgets them) if bad
   * messages arrived since, or if a sensor has been silent for longer than `staleAfterMs`; the good values are
   * kept for the next take.
   */
  take(now: number, staleAfterMs: number, since: number): ChannelSample[] {
    if (this.problemCount > 0) {
      const [first] = this.problems;
      const more = this.problemCount > 1 ? ` (and ${this.problemCount - 1} more bad messages)` : '';
      this.problems = [];
      this.problemCount = 0;
      throw new FluksoDataError(`${first}${more}`);
    }
    const stale = [...this.state].filter(([, s]) => now - (s.gauge?.receivedAt ?? since) > staleAfterMs);
    if (stale.length > 0) {
      const describe = ([id, s]: [string, SensorState]) =>
        `${id} for ${Math.round((now - (s.gauge?.receivedAt ?? since)) / 1000)} s${s.gauge ? '' : ' (none yet)'}`;
      throw new FluksoDataError(`no data from sensor ${stale.map(describe).join(', sensor ')}`);
    }
    return this.groups.flatMap((g) => this.channelSamples(g));
  }

  private channelSamples(g: Channel): ChannelSample[] {
    const samples: ChannelSample[] = [];
    const states = g.entries.map((e) => this.state.get(e.id) as SensorState);
    const gauges = states.map((s) => s.gauge);
    const powerTs = latest(gauges);
    if (powerTs !== undefined && powerTs > g.lastPowerTs) {
      const values: Partial<Record<ValueName, number>> = {};
      for (const [i, e] of g.entries.entries()) {
        const w = e.factor * (gauges[i]?.value ?? 0);
        values.power_w = (values.power_w ?? 0) + w;
        if (e.phase) values[`power_w_${e.phase}`] = (values[`power_w_${e.phase}`] ?? 0) + w;
      }
      samples.push({ channel: g.id, ts: powerTs * 1000, values: roundAll(values) });
      g.lastPowerTs = powerTs;
    }
    const counters = states.map((s) => s.counter);
    const energyTs = g.energy && latest(counters);
    if (g.energy && energyTs !== undefined && energyTs > g.lastEnergyTs) {
      const values: Partial<Record<ValueName, number>> = {};
      for (const [i, e] of g.entries.entries()) {
        const wh = Math.abs(e.factor) * (counters[i]?.value ?? 0);
        values[g.energy] = (values[g.energy] ?? 0) + wh;
        if (e.phase) values[`${g.energy}_${e.phase}`] = (values[`${g.energy}_${e.phase}`] ?? 0) + wh;
      }
      const same = samples.find((s) => s.ts === energyTs * 1000);
      if (same) Object.assign(same.values, roundAll(values));
      else samples.push({ channel: g.id, ts: energyTs * 1000, values: roundAll(values) });
      samples.sort((a, b) => a.ts - b.ts);
      g.lastEnergyTs = energyTs;
    }
    return samples;
  }
}

/** The newest time among the sensors of a channel, once every one of them has sent a value. */
function latest(values: ReadonlyArray<Latest | undefined>): number | undefined {
  if (values.some((v) => v === undefined)) return undefined;
  return Math.max(...values.map((v) => (v as Latest).ts));
}

function roundAll(values: Partial<Record<ValueName, number>>): Partial<Record<ValueName, number>> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, round3(v as number)]));
}

function valuesOf(g: Channel): ValueName[] {
  const phases = [...new Set(g.entries.flatMap((e) => (e.phase ? [e.phase] : [])))];
  const values: ValueName[] = ['power_w', ...phases.map((p) => `power_w_${p}` as const)];
  if (g.energy) values.push(g.energy, ...phases.map((p) => `${g.energy}_${p}` as ValueName));
  return values;
}
