/**
 * The quantity/unit registry: every key of a Reading's `values` is `<quantity>_<unit>[_<phase>][_<rate>]`
 * built from these tables (a rate only on counters). Adding a quantity here is the only way to widen the contract's value names.
 */
export interface Quantity {
  /** Unit suffix as it appears in value names ('' for dimensionless quantities). */
  readonly unit: string;
  /** Human label, used in UIs and Home Assistant discovery. */
  readonly label: string;
  /** A gauge is an instantaneous value; a counter only grows (an index). */
  readonly kind: 'gauge' | 'counter';
  /** Whether the contract sign convention (consumption +, production −) applies, i.e. channel sign factors flip it. */
  readonly signed: boolean;
}

export const QUANTITIES = {
  power: { unit: 'w', label: 'Active power', kind: 'gauge', signed: true },
  reactive_power: { unit: 'var', label: 'Reactive power', kind: 'gauge', signed: true },
  apparent_power: { unit: 'va', label: 'Apparent power', kind: 'gauge', signed: false },
  power_factor: { unit: '', label: 'Power factor', kind: 'gauge', signed: false },
  voltage: { unit: 'v', label: 'Voltage', kind: 'gauge', signed: false },
  current: { unit: 'a', label: 'Current', kind: 'gauge', signed: false },
  frequency: { unit: 'hz', label: 'Frequency', kind: 'gauge', signed: false },
  phase_angle: { unit: 'deg', label: 'Phase angle', kind: 'gauge', signed: false },
  thd_voltage: { unit: 'pct', label: 'Voltage THD', kind: 'gauge', signed: false },
  thd_current: { unit: 'pct', label: 'Current THD', kind: 'gauge', signed: false },
  energy_import: { unit: 'wh', label: 'Energy imported', kind: 'counter', signed: false },
  energy_export: { unit: 'wh', label: 'Energy exported', kind: 'counter', signed: false },
  reactive_energy_import: { unit: 'varh', label: 'Reactive energy imported', kind: 'counter', signed: false },
  reactive_energy_export: { unit: 'varh', label: 'Reactive energy exported', kind: 'counter', signed: false },
  apparent_energy: { unit: 'vah', label: 'Apparent energy', kind: 'counter', signed: false },
  temperature: { unit: 'c', label: 'Temperature', kind: 'gauge', signed: false },
} as const satisfies Record<string, Quantity>;

export type QuantityName = keyof typeof QUANTITIES;

/** Phases and line-to-line pairs a value may be suffixed with. */
export const PHASES = ['l1', 'l2', 'l3', 'n', 'l1_l2', 'l2_l3', 'l3_l1'] as const;
export type Phase = (typeof PHASES)[number];

/**
 * Tariff rates a counter may be split by: the meter's own per-rate registers, each an index of its own beside the
 * total (`energy_import_wh_t1` next to `energy_import_wh`). `t1`…`t4` are the numbered rates of multi-tariff meters
 * (ORNO WE-515/517); the others are the French teleinfo periods: `hc`/`hp` (off-peak/peak), EJP `hn`/`pm`
 * (normal/mobile peak), Tempo `hcjb`…`hpjr` (off-peak/peak on blue, white and red days).
 */
export const RATES = [
  't1',
  't2',
  't3',
  't4',
  'hc',
  'hp',
  'hn',
  'pm',
  'hcjb',
  'hpjb',
  'hcjw',
  'hpjw',
  'hcjr',
  'hpjr',
] as const;
export type Rate = (typeof RATES)[number];

type UnitOf<Q extends QuantityName> = (typeof QUANTITIES)[Q]['unit'];
type BaseName<Q extends QuantityName> = UnitOf<Q> extends '' ? Q : `${Q}_${UnitOf<Q>}`;
type CounterName = { [Q in QuantityName]: (typeof QUANTITIES)[Q]['kind'] extends 'counter' ? Q : never }[QuantityName];
/** A value name without phase, e.g. `power_w`, `power_factor`. */
export type BaseValueName = { [Q in QuantityName]: BaseName<Q> }[QuantityName];
type CounterValueName = BaseName<CounterName> | `${BaseName<CounterName>}_${Phase}`;
/** Every valid key of Reading.values. */
export type ValueName = BaseValueName | `${BaseValueName}_${Phase}` | `${CounterValueName}_${Rate}`;

export function valueName(quantity: QuantityName, phase?: Phase, rate?: Rate): ValueName {
  const { unit, kind } = QUANTITIES[quantity];
  if (rate && kind !== 'counter') throw new Error(`${quantity} is a gauge: only counters have rates`);
  const base = unit === '' ? quantity : `${quantity}_${unit}`;
  return [base, phase, rate].filter(Boolean).join('_') as ValueName;
}

const BASE_NAMES = new Map<string, QuantityName>(
  (Object.keys(QUANTITIES) as QuantityName[]).map((q) => [valueName(q), q]),
);

function parseWithoutRate(name: string): { quantity: QuantityName; phase?: Phase } | undefined {
  const direct = BASE_NAMES.get(name);
  if (direct) return { quantity: direct };
  for (const phase of PHASES) {
    if (name.endsWith(`_${phase}`)) {
      const quantity = BASE_NAMES.get(name.slice(0, -phase.length - 1));
      if (quantity) return { quantity, phase };
    }
  }
  return undefined;
}

/** Splits a value name into quantity, phase and rate, or returns undefined if it is not in the registry. */
export function parseValueName(name: string): { quantity: QuantityName; phase?: Phase; rate?: Rate } | undefined {
  const plain = parseWithoutRate(name);
  if (plain) return plain;
  for (const rate of RATES) {
    if (!name.endsWith(`_${rate}`)) continue;
    const parsed = parseWithoutRate(name.slice(0, -rate.length - 1));
    if (parsed && QUANTITIES[parsed.quantity].kind === 'counter') return { ...parsed, rate };
  }
  return undefined;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const alternatives = (names: Iterable<string>) => [...names].map(escapeRegExp).join('|');
const PHASE_SUFFIX = `(_(${alternatives(PHASES)}))?`;
const COUNTER_BASES = [...BASE_NAMES].filter(([, q]) => QUANTITIES[q].kind === 'counter').map(([name]) => name);
/** A regular expression matching exactly the registry's value names; used by the Reading schema. */
export const VALUE_NAME_PATTERN =
  `^(${alternatives(BASE_NAMES.keys())})${PHASE_SUFFIX}$` +
  `|^(${alternatives(COUNTER_BASES)})${PHASE_SUFFIX}_(${alternatives(RATES)})$`;
