import { describe, expect, it } from 'vitest';
import { registerMap } from '../models.js';
import { crc16, hasValidCrc, withCrc } from './crc.js';
import { encodeRaw, encodeValue, representable } from './encode.js';
import { plausibleValues } from './values.js';

describe('encodeRaw', () => {
  it('writes the registers a device holds', () => {
    expect(encodeRaw(230.2, 'float32', 'big')).toEqual([0x4366, 0x3333]);
    expect(encodeRaw(230.2, 'float32', 'little')).toEqual([0x3333, 0x4366]);
    expect(encodeRaw(123456, 'uint32', 'big')).toEqual([0x0001, 0xe240]);
    expect(encodeRaw(-1178, 'int32', 'big')).toEqual([0xffff, 0xfb66]);
    expect(encodeRaw(-999, 'int16', 'big')).toEqual([0xfc19]);
    expect(encodeRaw(23012, 'uint16', 'big')).toEqual([0x59e4]);
  });

  it('refuses numbers the type cannot hold', () => {
    expect(() => encodeRaw(-1, 'uint16', 'big')).toThrow(RangeError);
    expect(() => encodeRaw(70_000, 'int16', 'big')).toThrow(RangeError);
    expect(() => encodeRaw(2 ** 32, 'uint32', 'big')).toThrow(RangeError);
  });
});

describe('encodeValue / representable', () => {
  const we515 = registerMap('orno-we-515');
  const voltage = we515.fields.find((f) => f.value === 'voltage_v');
  const energy = we515.fields.find((f) => f.value === 'energy_import_wh');

  it('unscales contract units into raw registers', () => {
    expect(encodeValue(voltage as never, 230.12)).toEqual([23012]);
    expect(encodeValue(energy as never, 1_234_560)).toEqual([0x0001, 0xe240]);
  });

  it('rounds to what the device can represent', () => {
    expect(representable(voltage as never, 230.123)).toBe(230.12);
    expect(representable(energy as never, 1_234_567)).toBe(1_234_570);
  });

  it('gives plausible, representable values for every field of every map', () => {
    const values = plausibleValues(registerMap('sdm630')).main ?? {};
    expect(values.voltage_v_l1).toBe(230.1);
    expect(values.power_w).toBeCloseTo(
      (values.power_w_l1 ?? 0) + (values.power_w_l2 ?? 0) + (values.power_w_l3 ?? 0),
      3,
    );
    expect(values.energy_import_wh).toBeGreaterThan(1_000_000);
    expect(Object.keys(values)).toHaveLength(registerMap('sdm630').fields.length);
  });
});

describe('crc16', () => {
  it('matches the Modbus reference frame', () => {
    // read holding registers 0x0000 count 1 at unit 1: 01 03 00 00 00 01 84 0A
    expect(withCrc(Buffer.from([1, 3, 0, 0, 0, 1]))).toEqual(Buffer.from([1, 3, 0, 0, 0, 1, 0x84, 0x0a]));
    expect(crc16(Buffer.from([1, 3, 0, 0, 0, 1]))).toBe(0x0a84);
    expect(hasValidCrc(Buffer.from([1, 3, 0, 0, 0, 1, 0x84, 0x0a]))).toBe(true);
    expect(hasValidCrc(withCrc(Buffer.from([1, 3, 0, 0, 0, 1]), true))).toBe(false);
  });
});
