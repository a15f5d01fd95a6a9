import type { ValueErrorIterator } from '@sinclair/typebox/errors';
import { Value } from '@sinclair/typebox/value';
import { parseValueName, type ValueName } from '@wattbus/contract';
import { type Encoding, WORDS } from '@wattbus/meter-wire/modbus';
import {
  type FunctionCode,
  type RegisterData,
  type RegisterMapData,
  RegisterMapSchema,
  type SerialDefaults,
} from './map-schema.js';

/** One value of one channel, fully resolved: where it is, how to decode it, what it is called. */
export interface Field extends Encoding {
  value: ValueName;
  channel: string;
  fc: FunctionCode;
  words: 1 | 2;
}

/** A register map after validation, with every default applied. */
export interface RegisterMap {
  model: string;
  manufacturer: string;
  name: string;
  source: readonly string[];
  serialDefaults: SerialDefaults | undefined;
  maxRegistersPerRead: number;
  maxGapRegisters: number;
  channels: readonly string[];
  fields: readonly Field[];
}

/**
 * Unused registers worth reading to save a request on a serial line: a separate request costs its 8 bytes,
 * the 5 bytes of response framing and two 3.5-character silences (≈ 20 characters); each register filled
 * costs 2. Ties go to fewer requests, since a real meter also takes time to turn each request around.
 */
export const DEFAULT_MAX_GAP_REGISTERS = 10;

/** Protocol maximum for function 3 and 4 (Modbus Application Protocol §6.3, §6.4). */
export const MAX_REGISTERS_PER_READ = 125;

export class RegisterMapError extends Error {
  constructor(
    readonly model: string,
    readonly issues: readonly string[],
  ) {
    super(`invalid register map ${model}:\n${issues.map((i) => `  - ${i}`).join('\n')}`);
    this.name = 'RegisterMapError';
  }
}

/** "/registers/3/value" → "registers[3].value" */
function formatPointer(pointer: string): string {
  return pointer
    .split('/')
    .filter((s) => s !== '')
    .map((s, i) => (/^\d+$/.test(s) ? `[${s}]` : i === 0 ? s : `.${s}`))
    .join('');
}

function schemaIssues(errors: ValueErrorIterator): string[] {
  const issues: string[] = [];
  for (const e of errors) issues.push(`${formatPointer(e.path) || '(root)'}: ${e.message}`);
  return issues;
}

const parseAddress = (a: number | string): number => (typeof a === 'number' ? a : Number.parseInt(a.slice(2), 16));

/** Validates register-map data and resolves every register into a Field; throws RegisterMapError listing all issues. */
export function compileRegisterMap(data: unknown): RegisterMap {
  const model =
    typeof data === 'object' && data !== null && typeof (data as { model?: unknown }).model === 'string'
      ? (data as { model: string }).model
      : '(unnamed)';
  if (!Value.Check(RegisterMapSchema, data)) {
    throw new RegisterMapError(model, schemaIssues(Value.Errors(RegisterMapSchema, data)));
  }
  const map: RegisterMapData = data;
  const issues: string[] = [];
  const fields: Field[] = [];
  const seen = new Set<string>();
  for (const [i, reg] of map.registers.entries()) {
    const at = `registers[${i}]`;
    const field = resolveField(reg, map, (message) => issues.push(`${at}: ${message}`));
    if (!field) continue;
    const key = `${field.channel}/${field.value}`;
    if (seen.has(key)) issues.push(`${at}: ${field.value} of channel ${field.channel} is mapped twice`);
    seen.add(key);
    fields.push(field);
  }
  const maxRegistersPerRead = map.max_registers_per_read ?? MAX_REGISTERS_PER_READ;
  for (const [i, f] of fields.entries()) {
    if (f.words > maxRegistersPerRead) issues.push(`registers[${i}]: wider than max_registers_per_read`);
  }
  if (issues.length > 0) throw new RegisterMapError(model, issues);
  return {
    model: map.model,
    manufacturer: map.manufacturer,
    name: map.name,
    source: map.source,
    serialDefaults: map.serial_defaults,
    maxRegistersPerRead,
    maxGapRegisters: map.max_gap_registers ?? DEFAULT_MAX_GAP_REGISTERS,
    channels: map.channels,
    fields,
  };
}

function resolveField(reg: RegisterData, map: RegisterMapData, issue: (message: string) => void): Field | undefined {
  const d = map.defaults ?? {};
  const fc = reg.function ?? d.function;
  const type = reg.type ?? d.type;
  const wordOrder = reg.word_order ?? d.word_order ?? 'big';
  const scale = reg.scale ?? d.scale ?? 1;
  const channel = reg.channel ?? map.channels[0] ?? '';
  const address = parseAddress(reg.address);
  let ok = true;
  const fail = (message: string) => {
    issue(message);
    ok = false;
  };
  if (!parseValueName(reg.value))
    fail(`"${reg.value}" is not a contract value name (see packages/contract quantities)`);
  if (!map.channels.includes(channel)) fail(`channel "${channel}" is not one of the map's channels`);
  if (fc === undefined) fail('no function code (set "function" here or in defaults)');
  if (type === undefined) fail('no data type (set "type" here or in defaults)');
  if (scale === 0 || !Number.isFinite(scale)) fail('scale must be a finite number other than 0');
  if (!ok || fc === undefined || type === undefined) return undefined;
  const words = WORDS[type];
  if (address + words > 0x10000) {
    issue(`address ${reg.address} + ${words} registers is past the end of the register space`);
    return undefined;
  }
  return {
    value: reg.value as ValueName,
    channel,
    fc,
    address,
    words,
    type,
    wordOrder,
    scale,
    sign: reg.sign ?? 1,
  };
}
