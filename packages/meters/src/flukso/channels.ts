import type { ValueName } from '@wattbus/contract';
import type { FluksoSensorConfig } from './config.js';

/** A channel made of sensors, as configured; shared by the MQTT and HTTP paths. */
export interface FluksoChannel {
  id: string;
  entries: FluksoSensorConfig[];
  /** energy_import_wh when every factor is positive, energy_export_wh when every one is negative. */
  energy?: 'energy_import_wh' | 'energy_export_wh';
}

type Values = Partial<Record<ValueName, number>>;

const round3 = (x: number) => Math.round(x * 1000) / 1000;

/** Channels from the sensor list; throws if a sensor is listed twice for one channel. */
export function fluksoChannels(sensors: readonly FluksoSensorConfig[]): FluksoChannel[] {
  const channels = new Map<string, FluksoChannel>();
  for (const [i, s] of sensors.entries()) {
    const channel = channels.get(s.channel) ?? { id: s.channel, entries: [] };
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

/** The values a channel reports: power and its phases, and (with counters) its energy and phases. */
export function channelValues(g: FluksoChannel, withEnergy: boolean): ValueName[] {
  const phases = [...new Set(g.entries.flatMap((e) => (e.phase ? [e.phase] : [])))];
  const values: ValueName[] = ['power_w', ...phases.map((p) => `power_w_${p}` as const)];
  if (withEnergy && g.energy) values.push(g.energy, ...phases.map((p) => `${g.energy}_${p}` as ValueName));
  return values;
}

/**
 * The power of a channel from one gauge per sensor (`watts[i]` for `g.entries[i]`, in W): `power_w` is the sum of
 * factor × value, `power_w_<phase>` the same over the sensors of that phase; rounded to the mW.
 */
export function channelPower(g: FluksoChannel, watts: readonly number[]): Values {
  return weightedSum(g, 'power_w', watts, (e) => e.factor);
}

/**
 * The energy of a channel from one counter per sensor (Wh), when its factors agree in sign: the counters summed with
 * |factor| as `energy_import_wh` / `energy_export_wh` and per phase; nothing for a channel without energy.
 */
export function channelEnergy(g: FluksoChannel, counters: readonly number[]): Values {
  return g.energy ? weightedSum(g, g.energy, counters, (e) => Math.abs(e.factor)) : {};
}

function weightedSum(
  g: FluksoChannel,
  name: 'power_w' | 'energy_import_wh' | 'energy_export_wh',
  readings: readonly number[],
  weight: (e: FluksoSensorConfig) => number,
): Values {
  const values: Values = {};
  for (const [i, e] of g.entries.entries()) {
    const x = weight(e) * (readings[i] ?? 0);
    values[name] = (values[name] ?? 0) + x;
    if (e.phase) values[`${name}_${e.phase}`] = (values[`${name}_${e.phase}`] ?? 0) + x;
  }
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, round3(v as number)]));
}
