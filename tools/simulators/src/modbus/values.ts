import { parseValueName, type Rate, type ValueName } from '@wattbus/contract';
import { representable } from './encode.js';
import type { SimulatedMap } from './simulated-map.js';

/** Values by map channel, in contract units: what a simulated meter serves and what a driver should read. */
export type ChannelValues = Record<string, Partial<Record<ValueName, number>>>;

/** A household-sized reading per quantity, for phase L1 (L2 and L3 a little lower). */
const NOMINAL: Readonly<Record<string, number>> = {
  voltage: 230.1,
  current: 5.25,
  power: 1207.5,
  reactive_power: 120.5,
  apparent_power: 1250.75,
  power_factor: 0.965,
  phase_angle: 15.2,
  frequency: 50.01,
  thd_voltage: 2.1,
  thd_current: 8.4,
  energy_import: 1_234_500,
  energy_export: 567_800,
  reactive_energy_import: 89_100,
  reactive_energy_export: 12_300,
  apparent_energy: 1_300_000,
  temperature: 31.5,
};

const SUMMED = new Set(['current', 'power', 'reactive_power', 'apparent_power', 'energy_import', 'energy_export']);

/** A rate's share of its total, so that a meter's T1-T4 indexes add up to the total index it serves. */
const RATE_SHARE: Partial<Record<Rate, number>> = { t1: 0.4, t2: 0.3, t3: 0.2, t4: 0.1 };

function nominal(name: ValueName, names: ReadonlySet<string>): number {
  const parsed = parseValueName(name);
  if (!parsed) return 0;
  if (parsed.rate) {
    const total = name.slice(0, -parsed.rate.length - 1) as ValueName;
    return nominal(total, names) * (RATE_SHARE[parsed.rate] ?? 0.5);
  }
  const base = NOMINAL[parsed.quantity] ?? 1;
  const { phase } = parsed;
  if (phase === 'n') return 0.42;
  if (phase === 'l1_l2' || phase === 'l2_l3' || phase === 'l3_l1') return 400.2;
  if (phase === 'l1' || phase === 'l2' || phase === 'l3') {
    const k = Number(phase[1]) - 1;
    return parsed.quantity === 'voltage' || parsed.quantity === 'frequency' ? base + 0.9 * k : base * (1 - 0.2 * k);
  }
  // A three-phase total is the sum of its phases.
  const phases = ['l1', 'l2', 'l3'].map((p) => `${name}_${p}`);
  if (SUMMED.has(parsed.quantity) && phases.every((p) => names.has(p))) return base * (1 + 0.8 + 0.6);
  return base;
}

/** Plausible values for every field of a map, exactly representable in the map's encodings. */
export function plausibleValues(map: SimulatedMap): ChannelValues {
  const names = new Set<string>(map.fields.map((f) => f.value));
  const values: ChannelValues = Object.fromEntries(map.channels.map((c) => [c, {}]));
  for (const field of map.fields) {
    const channel = values[field.channel];
    if (channel) channel[field.value] = representable(field, nominal(field.value, names));
  }
  return values;
}
