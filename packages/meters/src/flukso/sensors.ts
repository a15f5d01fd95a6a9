import type { ChannelSample, DriverChannel } from '../driver.js';
import { channelEnergy, channelPower, channelValues, type FluksoChannel, fluksoChannels } from './channels.js';
import type { FluksoSensorConfig } from './config.js';
import { type FluksoKind, FluksoMessageError, type FluksoValue, parsePayload, parseTopic } from './payload.js';

/** Why a read cannot report: bad messages since the last read, or a silent sensor. */
export class FluksoDataError extends Error {
  override name = 'FluksoDataError';
}

/** Some channels have a silent sensor: they fail, naming it; `samples` are those of the other channels. */
export class FluksoSilentSensorError extends FluksoDataError {
  override name = 'FluksoSilentSensorError';
  constructor(
    message: string,
    readonly samples: ChannelSample[],
  ) {
    super(message);
  }
}

interface Latest extends FluksoValue {
  /** Our clock when it arrived, ms: staleness does not depend on the Fluksometer's clock. */
  receivedAt: number;
}

interface SensorState {
  gauge?: Latest;
  counter?: Latest;
}

interface Channel extends FluksoChannel {
  lastPowerTs: number;
  lastEnergyTs: number;
}

const MAX_PROBLEMS = 20;

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
    this.groups = fluksoChannels(sensors).map((g) => ({ ...g, lastPowerTs: 0, lastEnergyTs: 0 }));
    for (const s of sensors) this.state.set(s.id, {});
    this.channels = this.groups.map((g) => ({ id: g.id, values: channelValues(g, true) }));
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
   * messages arrived since; the good values are kept for the next take. A sensor silent for longer than
   * `staleAfterMs` (counted from `since` if it never spoke; at once with `noneIsSilent`) fails the channels that
   * use it, naming it, with a FluksoSilentSensorError carrying the samples of the other channels.
   */
  take(now: number, staleAfterMs: number, since: number, noneIsSilent = false): ChannelSample[] {
    if (this.problemCount > 0) {
      const [first] = this.problems;
      const more = this.problemCount > 1 ? ` (and ${this.problemCount - 1} more bad messages)` : '';
      this.problems = [];
      this.problemCount = 0;
      throw new FluksoDataError(`${first}${more}`);
    }
    const silent = new Map<string, string>();
    for (const [id, s] of this.state) {
      const quietMs = now - (s.gauge?.receivedAt ?? since);
      if (quietMs > staleAfterMs || (noneIsSilent && !s.gauge)) {
        silent.set(id, `sensor ${id} for ${Math.round(quietMs / 1000)} s${s.gauge ? '' : ' (none yet)'}`);
      }
    }
    const samples: ChannelSample[] = [];
    const failures: string[] = [];
    for (const g of this.groups) {
      const quiet = [...new Set(g.entries.map((e) => silent.get(e.id)).filter((x) => x !== undefined))];
      if (quiet.length === 0) samples.push(...this.channelSamples(g));
      else failures.push(`channel ${g.id}: no data from ${quiet.join(', ')}`);
    }
    if (failures.length > 0) throw new FluksoSilentSensorError(failures.join('; '), samples);
    return samples;
  }

  private channelSamples(g: Channel): ChannelSample[] {
    const samples: ChannelSample[] = [];
    const states = g.entries.map((e) => this.state.get(e.id) as SensorState);
    const gauges = states.map((s) => s.gauge);
    const powerTs = latest(gauges);
    if (powerTs !== undefined && powerTs > g.lastPowerTs) {
      samples.push({ channel: g.id, ts: powerTs * 1000, values: channelPower(g, gauges.map(readingOf)) });
      g.lastPowerTs = powerTs;
    }
    const counters = states.map((s) => s.counter);
    const energyTs = g.energy && latest(counters);
    if (g.energy && energyTs !== undefined && energyTs > g.lastEnergyTs) {
      const values = channelEnergy(g, counters.map(readingOf));
      const same = samples.find((s) => s.ts === energyTs * 1000);
      if (same) Object.assign(same.values, values);
      else samples.push({ channel: g.id, ts: energyTs * 1000, values });
      samples.sort((a, b) => a.ts - b.ts);
      g.lastEnergyTs = energyTs;
    }
    return samples;
  }
}

/** The value received, 0 before any (only used once every sensor has sent one). */
const readingOf = (v: Latest | undefined) => v?.value ?? 0;

/** The newest time among the sensors of a channel, once every one of them has sent a value. */
function latest(values: ReadonlyArray<Latest | undefined>): number | undefined {
  if (values.some((v) => v === undefined)) return undefined;
  return Math.max(...values.map((v) => (v as Latest).ts));
}
