import type { ValueName } from '@wattbus/contract';
import { type PulseCounterConfig, TARIFF_OPTIONS, type TariffOption, type TeleinfoInput } from './config.js';

/** An Eco-devices answer that cannot be used as it is. */
export class EcodevicesDataError extends Error {
  override name = 'EcodevicesDataError';
}

export type Status = Record<string, unknown>;

/** The PTEC of an input without a meter connected. */
export const ABSENT = '----';

/** Index fields by tariff option: base; off-peak/peak (HC/HP); EJP; Tempo (blue, white, red days). */
const PERIOD_INDEXES = [
  'HCHC',
  'HCHP',
  'EJPHN',
  'EJPHPM',
  'BBRHCJB',
  'BBRHPJB',
  'BBRHCJW',
  'BBRHPJW',
  'BBRHCJR',
  'BBRHPJR',
];
/** Teleinfo indexes have 9 digits (Wh). */
const MAX_INDEX_WH = 999_999_999;

/** The JSON of `/api/xdevices.json?cmd=10`, which must be an object. */
export function parseStatus(body: string): Status {
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch (err) {
    const start = body.slice(0, 60).replace(/\s+/g, ' ');
    throw new EcodevicesDataError(`answer is not JSON (${(err as Error).message}): "${start}"`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new EcodevicesDataError(`answer is JSON but not an object: ${body.slice(0, 60)}`);
  }
  return data as Status;
}

/** A field as a number; the firmware writes numbers, some versions numeric strings. */
function numberField(data: Status, key: string): number {
  const raw = data[key];
  const value = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
  if (raw === undefined) throw new EcodevicesDataError(`${key} is missing from the answer`);
  if (!Number.isFinite(value)) throw new EcodevicesDataError(`${key} is not a number (${JSON.stringify(raw)})`);
  return value;
}

function inRange(key: string, value: number, max: number, unit: string, why: string): number {
  if (value < 0 || value > max) throw new EcodevicesDataError(`${key} = ${value} ${unit} is out of range (${why})`);
  return value;
}

export interface TeleinfoSample {
  values: Partial<Record<ValueName, number>>;
  tariff: string;
}

/** An index field, in Wh. */
function indexField(data: Status, key: string): number {
  return inRange(key, numberField(data, key), MAX_INDEX_WH, 'Wh', 'an index has 9 digits');
}

/**
 * One teleinfo input: PAPP as apparent power, the total of its indexes as energy imported, PTEC as the tariff
 * period; with its tariff option, also each period's index as `energy_import_wh_<rate>`. Undefined when no meter
 * is connected (PTEC "----").
 */
export function teleinfo(
  data: Status,
  input: TeleinfoInput,
  maxApparentPowerVa: number,
  option?: TariffOption,
): TeleinfoSample | undefined {
  const prefix = input.toUpperCase();
  const ptec = data[`${prefix}_PTEC`];
  if (ptec === undefined) throw new EcodevicesDataError(`${prefix}_PTEC is missing from the answer`);
  if (typeof ptec !== 'string')
    throw new EcodevicesDataError(`${prefix}_PTEC is not a string (${JSON.stringify(ptec)})`);
  if (ptec.trim() === ABSENT) return undefined;
  const papp = inRange(
    `${prefix}_PAPP`,
    numberField(data, `${prefix}_PAPP`),
    maxApparentPowerVa,
    'VA',
    `max_apparent_power_va is ${maxApparentPowerVa}`,
  );
  if (option) return { values: { apparent_power_va: papp, ...periodIndexes(data, prefix, option) }, tariff: ptec };
  // Multi-period contracts count each period on its own index; the energy imported is their sum.
  const periods = PERIOD_INDEXES.map((p) => `${prefix}_${p}`).filter((key) => key in data);
  const keys = periods.length > 0 ? periods : [`${prefix}_BASE`];
  let energy = 0;
  for (const key of keys) energy += indexField(data, key);
  return { values: { apparent_power_va: papp, energy_import_wh: energy }, tariff: ptec };
}

/** Each period index of a tariff option under its rate, and their sum as the total; every one is required. */
function periodIndexes(data: Status, prefix: string, option: TariffOption): TeleinfoSample['values'] {
  const values: TeleinfoSample['values'] = { energy_import_wh: 0 };
  for (const [field, rate] of Object.entries(TARIFF_OPTIONS[option])) {
    const wh = indexField(data, `${prefix}_${field}`);
    values[`energy_import_wh_${rate}`] = wh;
    values.energy_import_wh = (values.energy_import_wh ?? 0) + wh;
  }
  return values;
}

/** A pulse counter's index (INDEX_C1, INDEX_C2) in the configured value's unit. */
export function pulseCounter(data: Status, counter: 'c1' | 'c2', config: PulseCounterConfig): number {
  const key = `INDEX_${counter.toUpperCase()}`;
  const index = numberField(data, key);
  if (index < 0) throw new EcodevicesDataError(`${key} = ${index} is negative`);
  return index * config.scale;
}
