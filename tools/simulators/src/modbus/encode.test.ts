import type { ValueName } from '@wattbus/contract';
import type { DataType } from '@wattbus/meter-wire/modbus';
import { describe, expect, it } from 'vitest';
import { crc16, hasValidCrc, withCrc } from './crc.js';
import { encodeRaw, encodeValue, representable } from './encode.js';
import type { SimulatedField, SimulatedMap } from './simulated-map.js';
import { plausibleValues } from './values.js';

const field = (value: ValueName, address: number, type: DataType, scale = 1): SimulatedField => ({
  value,
  channel: 'main',
  fc: 3,
  address,
  type,
  wordOrder: 'big',
  scale,
  sign: 1,
});

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
  // As an ORNO WE-515 holds them: volts in hundredths, energy in 0.01 kWh.
  const voltage = field('voltage_v', 0x0131, 'uint16', 0.01);
  const energy = field('energy_import_wh', 0xa000, 'uint32', 10);

  it('unscales contract units into raw registers', () => {
    expect(encodeValue(voltage, 230.12)).toEqual([23012]);
    expect(encodeValue(energy, 1_234_560)).toEqual([0x0001, 0xe240]);
  });

  it('rounds to what the device can represent', () => {
    expect(representable(voltage, 230.123)).toBe(230.12);
    expect(representable(energy, 1_234_567)).toBe(1_234_570);
  });

  it('gives plausible, representable values for every field of a map, a total the sum of its phases', () => {
    // As an Eastron SDM630 holds them: float32 in input registers.
    const sdm630: SimulatedMap = {
      channels: ['main'],
      maxRegistersPerRead: 125,
      fields: (
        [
          'voltage_v_l1',
          'voltage_v_l2',
          'power_w_l1',
          'power_w_l2',
          'power_w_l3',
          'power_w',
          'energy_import_wh',
        ] as const
      ).map((value, i) => field(value, 2 * i, 'float32', value === 'energy_import_wh' ? 1000 : 1)),
    };
    const values = plausibleValues(sdm630).main ?? {};
    expect(values.voltage_v_l1).toBe(230.1);
    expect(values.power_w).toBeCloseTo(
      (values.power_w_l1 ?? 0) + (values.power_w_l2 ?? 0) + (values.power_w_l3 ?? 0),
      3,
    );
    expect(values.energy_import_wh).toBeGreaterThan(1_000_000);
    expect(Object.keys(values)).toHaveLength(sdm630.fields.length);
  });

  it("serves a multi-tariff meter's T1-T4 indexes adding up to its total", () => {
    const names = [
      'energy_import_wh',
      'energy_import_wh_t1',
      'energy_import_wh_t2',
      'energy_import_wh_t3',
      'energy_import_wh_t4',
    ] as const;
    const we515: SimulatedMap = {
      channels: ['main'],
      maxRegistersPerRead: 125,
      fields: names.map((value, i) => field(value, 0xa000 + 2 * i, 'uint32', 10)),
    };
    const values = plausibleValues(we515).main ?? {};
    const rates = names.slice(1).map((n) => values[n] ?? 0);
    expect(rates).toEqual([493_800, 370_350, 246_900, 123_450]);
    expect(rates.reduce((a, b) => a + b)).toBe(values.energy_import_wh);
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
