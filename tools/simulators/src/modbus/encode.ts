import {
  applyScale,
  type DataType,
  decodeRaw,
  type Encoding,
  removeScale,
  WORDS,
  type WordOrder,
} from '@wattbus/meter-wire/modbus';

const RANGE: Readonly<Record<Exclude<DataType, 'float32'>, [number, number]>> = {
  int16: [-0x8000, 0x7fff],
  uint16: [0, 0xffff],
  int32: [-0x8000_0000, 0x7fff_ffff],
  uint32: [0, 0xffff_ffff],
};

/** The registers holding `raw` (already unscaled); integers are rounded. Throws when it does not fit. */
export function encodeRaw(raw: number, type: DataType, wordOrder: WordOrder): number[] {
  const view = new DataView(new ArrayBuffer(4));
  if (type === 'float32') {
    view.setFloat32(0, raw);
  } else {
    const n = Math.round(raw);
    const [min, max] = RANGE[type];
    if (!(n >= min && n <= max)) throw new RangeError(`${raw} does not fit ${type}`);
    if (WORDS[type] === 1) view.setUint16(0, n & 0xffff);
    else view.setUint32(0, n >>> 0);
  }
  if (WORDS[type] === 1) return [view.getUint16(0)];
  const high = view.getUint16(0);
  const low = view.getUint16(2);
  return wordOrder === 'big' ? [high, low] : [low, high];
}

/** The registers a device would hold for `value` (in contract units). */
export function encodeValue(field: Encoding, value: number): number[] {
  return encodeRaw(removeScale(value, field.scale, field.sign), field.type, field.wordOrder);
}

/** `value` as the device can represent it (rounded to its integer steps or to float32). */
export function representable(field: Encoding, value: number): number {
  const raw = decodeRaw(encodeValue(field, value), 0, field.type, field.wordOrder);
  return applyScale(raw, field.scale, field.sign);
}
