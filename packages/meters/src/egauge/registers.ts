import { type BaseValueName, parseValueName, QUANTITIES, type QuantityName, type ValueName } from '@wattbus/contract';
import type { DriverChannel } from '../driver.js';
import type { EgaugeUnit, RegisterSpec } from './config.js';

/**
 * What a register type stores. eGauge registers are cumulative: the XML API gives their running total, in the unit
 * below times seconds (W·s for power, mV·s for voltage…); a rate is Δtotal / Δt.
 */
interface UnitInfo {
  /** The `t` attribute the device gives registers of this type. */
  deviceType: string;
  /** Value name reported by default (a rate). */
  rate: BaseValueName;
  /** From total per second to the value's unit. */
  rateScale: number;
  /** Quantities that may report the total itself (an index), and its scale to the value's unit. */
  totals: readonly QuantityName[];
  totalScale: number;
  /** Power registers are bidirectional; the others only grow, so a decrease is a counter reset. */
  signed: boolean;
  /** Largest plausible rate in the value's unit; `undefined` = the configured max_power_w. */
  limit?: number;
  unitLabel: string;
}

const CURRENT: UnitInfo = {
  deviceType: 'I',
  rate: 'current_a',
  rateScale: 1e-3,
  totals: [],
  totalScale: 0,
  signed: false,
  limit: 10_000,
  unitLabel: 'A',
};

export const UNITS: Record<EgaugeUnit, UnitInfo> = {
  P: {
    deviceType: 'P',
    rate: 'power_w',
    rateScale: 1,
    totals: ['energy_import', 'energy_export'],
    totalScale: 1 / 3600,
    signed: true,
    unitLabel: 'W',
  },
  S: {
    deviceType: 'S',
    rate: 'apparent_power_va',
    rateScale: 1,
    totals: ['apparent_energy'],
    totalScale: 1 / 3600,
    signed: false,
    unitLabel: 'VA',
  },
  V: {
    deviceType: 'V',
    rate: 'voltage_v',
    rateScale: 1e-3,
    totals: [],
    totalScale: 0,
    signed: false,
    limit: 1_000,
    unitLabel: 'V',
  },
  I: CURRENT,
  A: CURRENT,
  F: {
    deviceType: 'F',
    rate: 'frequency_hz',
    rateScale: 1e-3,
    totals: [],
    totalScale: 0,
    signed: false,
    limit: 1_000,
    unitLabel: 'Hz',
  },
};

/** One configured register: where its column goes and how it becomes a value. */
export interface RegisterMapping {
  /** Name on the device. */
  name: string;
  unit: EgaugeUnit;
  deviceType: string;
  channel: string;
  value: ValueName;
  /** `rate`: Δtotal/Δt × rateScale; `total`: total × totalScale (an index). */
  kind: 'rate' | 'total';
  rateScale: number;
  totalScale: number;
  signed: boolean;
  /** Largest plausible rate, in the rate's unit (W for power). */
  limit: number;
  /** The rate's unit, for messages. */
  unitLabel: string;
}

/** `Grid` → `grid`, `L1 Voltage` → `l1_voltage`: a valid channel id. */
export function channelIdFor(name: string): string {
  const id = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 64);
  return id === '' ? 'register' : id;
}

function normalize(spec: RegisterSpec): { name: string; unit: EgaugeUnit; channel?: string; value?: string } {
  if (typeof spec !== 'string') return spec;
  const at = spec.lastIndexOf('=');
  return { name: spec.slice(0, at).trim(), unit: spec.slice(at + 1) as EgaugeUnit };
}

/**
 * The configured registers as mappings. Throws an Error naming the register when a value does not fit its unit
 * or two registers would write the same value of the same channel.
 */
export function registerMappings(specs: readonly RegisterSpec[], maxPowerW: number): RegisterMapping[] {
  const taken = new Map<string, string>();
  return specs.map((spec, i) => {
    const { name, unit, channel = channelIdFor(name), value } = normalize(spec);
    const info = UNITS[unit];
    const where = `registers[${i}] (${name})`;
    const parsed = parseValueName(value ?? info.rate);
    if (!parsed) throw new Error(`${where}: unknown value name "${value}"`);
    const isRate = parsed.quantity === parseValueName(info.rate)?.quantity;
    if (!isRate && !info.totals.includes(parsed.quantity)) {
      const allowed = [info.rate, ...info.totals.map((q) => `${q}_${QUANTITIES[q].unit}`)].join(', ');
      throw new Error(
        `${where}: a ${unit} register cannot report ${value} (it can report ${allowed}, with a phase suffix)`,
      );
    }
    const key = `${channel}.${value ?? info.rate}`;
    const previous = taken.get(key);
    if (previous !== undefined) throw new Error(`${where}: ${key} is already reported by register "${previous}"`);
    taken.set(key, name);
    return {
      name,
      unit,
      deviceType: info.deviceType,
      channel,
      value: (value ?? info.rate) as ValueName,
      kind: isRate ? 'rate' : 'total',
      rateScale: info.rateScale,
      totalScale: info.totalScale,
      signed: info.signed,
      limit: info.limit ?? maxPowerW,
      unitLabel: info.unitLabel,
    };
  });
}

/** The channels the mappings produce, in order of first appearance. */
export function channelsOf(mappings: readonly RegisterMapping[]): DriverChannel[] {
  const channels = new Map<string, ValueName[]>();
  for (const m of mappings) {
    const values = channels.get(m.channel) ?? [];
    values.push(m.value);
    channels.set(m.channel, values);
  }
  return [...channels].map(([id, values]) => ({ id, values }));
}
