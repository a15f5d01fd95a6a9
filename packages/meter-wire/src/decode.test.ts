import { describe, expect, it } from 'vitest';
import { decodeRaw, decodeValue, type Encoding, shortestFloat32 } from './decode.js';
import { applyScale, removeScale, shiftDecimal } from './scale.js';

const field = (over: Partial<Encoding>): Encoding => ({
  address: 0x100,
  type: 'float32',
  wordOrder: 'big',
  scale: 1,
  sign: 1,
  ...over,
});

describe('decodeRaw', () => {
  it('reads 16-bit registers signed and unsigned', () => {
    expect(decodeRaw([0x59e4], 0, 'uint16', 'big')).toBe(23012);
    expect(decodeRaw([0xfc19], 0, 'int16', 'big')).toBe(-999);
    expect(decodeRaw([0xfc19], 0, 'uint16', 'big')).toBe(64537);
  });

  it('reads 32-bit integers high word first or low word first', () => {
    expect(decodeRaw([0x0001, 0xe240], 0, 'uint32', 'big')).toBe(123456);
    expect(decodeRaw([0xe240, 0x0001], 0, 'uint32', 'little')).toBe(123456);
    expect(decodeRaw([0xffff, 0xfb66], 0, 'int32', 'big')).toBe(-1178);
    expect(decodeRaw([0xffff, 0xffff], 0, 'uint32', 'big')).toBe(4_294_967_295);
    expect(decodeRaw([0, 0, 0x0001, 0xe240], 2, 'uint32', 'big')).toBe(123456);
  });

  it('reads IEEE 754 float32 and gives the shortest decimal of it', () => {
    // 230.2 V as an Eastron/ORNO meter sends it
    expect(decodeRaw([0x4366, 0x3333], 0, 'float32', 'big')).toBe(230.2);
    expect(decodeRaw([0x3333, 0x4366], 0, 'float32', 'little')).toBe(230.2);
    // 1234.5 kWh, and a negative power of -1.5 kW
    expect(decodeRaw([0x449a, 0x5000], 0, 'float32', 'big')).toBe(1234.5);
    expect(decodeRaw([0xbfc0, 0x0000], 0, 'float32', 'big')).toBe(-1.5);
    expect(decodeRaw([0x7fc0, 0x0000], 0, 'float32', 'big')).toBeNaN();
  });
});

describe('shortestFloat32', () => {
  it('recovers the decimal a device meant', () => {
    expect(shortestFloat32(Math.fround(230.2))).toBe(230.2);
    expect(shortestFloat32(Math.fround(0.987))).toBe(0.987);
    expect(shortestFloat32(Math.fround(12345.67))).toBe(12345.67);
    expect(shortestFloat32(Math.fround(1e-7))).toBe(1e-7);
    expect(shortestFloat32(0)).toBe(0);
  });
});

describe('scaling', () => {
  it('shifts the decimal point exactly for decimal scales', () => {
    expect(applyScale(23012, 0.01, 1)).toBe(230.12);
    expect(applyScale(1234.5, 1000, 1)).toBe(1_234_500);
    expect(applyScale(0.1234, 1000, 1)).toBe(123.4);
    expect(applyScale(5123, 0.001, 1)).toBe(5.123);
    expect(applyScale(123456, 10, 1)).toBe(1_234_560);
    expect(shiftDecimal(1e-7, 3)).toBe(0.0001);
    expect(shiftDecimal(1.5e21, -3)).toBe(1.5e18);
  });

  it('multiplies for other scales and applies the sign', () => {
    expect(applyScale(4, 2.5, 1)).toBe(10);
    expect(applyScale(1500, 1, -1)).toBe(-1500);
    expect(applyScale(-2, -1000, 1)).toBe(2000);
    expect(Object.is(applyScale(0, 1, -1), 0)).toBe(true);
  });

  it('removeScale is the inverse', () => {
    expect(removeScale(230.12, 0.01, 1)).toBe(23012);
    expect(removeScale(1_234_500, 1000, 1)).toBe(1234.5);
    expect(removeScale(10, 2.5, 1)).toBe(4);
    expect(removeScale(-1500, 1, -1)).toBe(1500);
  });
});

describe('decodeValue', () => {
  it('decodes a field at its offset in a read, in contract units', () => {
    const words = [0x0000, 0x0000, 0x449a, 0x5000];
    expect(decodeValue(words, 0x0fe, field({ scale: 1000 }))).toBe(1_234_500);
    expect(decodeValue([0xffff, 0xfb66], 0x100, field({ type: 'int32' }))).toBe(-1178);
    expect(decodeValue([0x59e4], 0x100, field({ type: 'uint16', scale: 0.01 }))).toBe(230.12);
  });

  it('gives undefined for NaN and infinities', () => {
    expect(decodeValue([0x7fc0, 0x0000], 0x100, field({}))).toBeUndefined();
    expect(decodeValue([0x7f80, 0x0000], 0x100, field({}))).toBeUndefined();
  });
});
