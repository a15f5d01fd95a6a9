import { applyScale } from './scale.js';

export const DATA_TYPES = ['int16', 'uint16', 'int32', 'uint32', 'float32'] as const;
/** How one or two registers encode a number (32-bit types span two registers). */
export type DataType = (typeof DATA_TYPES)[number];
/** The order of the two registers of a 32-bit value: big = high word first (the Modbus convention). */
export type WordOrder = 'big' | 'little';

/** Registers (16-bit words) per data type. */
export const WORDS: Readonly<Record<DataType, 1 | 2>> = { int16: 1, uint16: 1, int32: 2, uint32: 2, float32: 2 };

/** How one value sits in the registers; a subset of a compiled register-map field. */
export interface Encoding {
  address: number;
  type: DataType;
  wordOrder: WordOrder;
  scale: number;
  sign: 1 | -1;
}

/**
 * The shortest decimal that is the same float32, e.g. 230.2 rather than 230.1999969482422: the meter meant
 * a decimal, and digits beyond float32 precision are noise.
 */
export function shortestFloat32(x: number): number {
  if (!Number.isFinite(x)) return x;
  for (let digits = 1; digits <= 9; digits++) {
    const candidate = Number(x.toPrecision(digits));
    if (Math.fround(candidate) === x) return candidate;
  }
  return x;
}

/** The number held at `words[offset]` (and the next word for 32-bit types), before scaling. */
export function decodeRaw(words: ArrayLike<number>, offset: number, type: DataType, wordOrder: WordOrder): number {
  const view = new DataView(new ArrayBuffer(4));
  const first = words[offset] ?? 0;
  if (WORDS[type] === 1) {
    view.setUint16(0, first);
    return type === 'int16' ? view.getInt16(0) : view.getUint16(0);
  }
  const second = words[offset + 1] ?? 0;
  view.setUint16(0, wordOrder === 'big' ? first : second);
  view.setUint16(2, wordOrder === 'big' ? second : first);
  if (type === 'int32') return view.getInt32(0);
  if (type === 'uint32') return view.getUint32(0);
  return shortestFloat32(view.getFloat32(0));
}

/**
 * The value of one field in contract units, from the registers of a read starting at `firstAddress`.
 * Undefined when the device reports NaN or infinity (Modbus meters do so for quantities they cannot measure).
 */
export function decodeValue(words: ArrayLike<number>, firstAddress: number, field: Encoding): number | undefined {
  const raw = decodeRaw(words, field.address - firstAddress, field.type, field.wordOrder);
  return Number.isFinite(raw) ? applyScale(raw, field.scale, field.sign) : undefined;
}
