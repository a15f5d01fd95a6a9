import { parseValueName } from '@wattbus/contract';
import { describe, expect, it } from 'vitest';
import { MODELS, registerMap } from './models.js';
import { planOneByOne, planReads } from './planner.js';
import { compileRegisterMap, RegisterMapError } from './register-map.js';

const minimal = () => ({
  model: 'test-meter',
  manufacturer: 'Acme',
  name: 'Test',
  source: ['a manual'],
  defaults: { function: 4, type: 'float32' },
  channels: ['main'],
  registers: [{ value: 'voltage_v', address: '0x0000' }],
});

const issuesOf = (data: unknown): readonly string[] => {
  try {
    compileRegisterMap(data);
  } catch (err) {
    if (err instanceof RegisterMapError) return err.issues;
    throw err;
  }
  throw new Error('expected a RegisterMapError');
};

describe('bundled register maps', () => {
  it('are the four models of issue #5', () => {
    expect(MODELS).toEqual(['orno-we-515', 'orno-we-517', 'sdm120', 'sdm630']);
  });

  it.each(MODELS)('%s is valid, cites its sources and maps only contract value names', (model) => {
    const map = registerMap(model);
    expect(map.model).toBe(model);
    expect(map.source.length).toBeGreaterThan(0);
    expect(map.serialDefaults).toBeDefined();
    expect(map.fields.length).toBeGreaterThan(5);
    for (const field of map.fields) expect(parseValueName(field.value), field.value).toBeDefined();
    expect(registerMap(model)).toBe(map);
  });

  it('decode with the right function codes, types and scales', () => {
    const we515 = registerMap('orno-we-515');
    expect(we515.fields.find((f) => f.value === 'voltage_v')).toMatchObject({
      fc: 3,
      address: 0x131,
      type: 'uint16',
      scale: 0.01,
    });
    expect(we515.fields.find((f) => f.value === 'energy_import_wh')).toMatchObject({
      address: 0xa000,
      type: 'uint32',
      words: 2,
      scale: 10,
    });
    const sdm630 = registerMap('sdm630');
    expect(sdm630.fields.find((f) => f.value === 'power_w')).toMatchObject({ fc: 4, address: 0x34, type: 'float32' });
    expect(sdm630.fields.find((f) => f.value === 'energy_export_wh')).toMatchObject({ address: 0x4a, scale: 1000 });
    expect(registerMap('orno-we-517').fields.find((f) => f.value === 'power_w_l3')).toMatchObject({
      fc: 3,
      address: 0x22,
      scale: 1000,
    });
  });

  it('coalesce into a few requests per cycle', () => {
    const requests = (model: string) => {
      const map = registerMap(model);
      return [
        planOneByOne(map.fields).length,
        planReads(map.fields, { maxRegisters: map.maxRegistersPerRead, maxGap: map.maxGapRegisters }).length,
      ];
    };
    expect(requests('orno-we-515')).toEqual([17, 3]); // 8 tariff registers (T1-T4) join the two energy reads
    expect(requests('orno-we-517')).toEqual([55, 2]); // the tariff block (0x0130-0x015F) follows the energies: still one read
    expect(requests('sdm120')).toEqual([12, 2]);
    expect(requests('sdm630')).toEqual([53, 4]);
  });

  it('throws for an unknown model, naming the known ones', () => {
    expect(() => registerMap('sdm72')).toThrow(/unknown Modbus meter model "sdm72" \(known: orno-we-515, /);
  });
});

describe('compileRegisterMap', () => {
  it('applies defaults and parses hex addresses', () => {
    const map = compileRegisterMap(minimal());
    expect(map.fields).toEqual([
      {
        value: 'voltage_v',
        channel: 'main',
        fc: 4,
        address: 0,
        words: 2,
        type: 'float32',
        wordOrder: 'big',
        scale: 1,
        sign: 1,
      },
    ]);
    expect(map.maxRegistersPerRead).toBe(125);
    expect(map.maxGapRegisters).toBe(10);
  });

  it('reports schema errors with their path', () => {
    const bad = { ...minimal(), registers: [{ value: 'voltage_v', address: '0xZZ' }], extra: 1 };
    const issues = issuesOf(bad);
    expect(issues.some((i) => i.startsWith('registers[0].address'))).toBe(true);
    expect(issues.some((i) => i.startsWith('extra'))).toBe(true);
    expect(issuesOf({ ...minimal(), source: [] }).some((i) => i.startsWith('source'))).toBe(true);
  });

  it('rejects unknown value names, channels, missing encodings, duplicates and overflows, all at once', () => {
    const data = {
      ...minimal(),
      defaults: { function: 4 },
      registers: [
        { value: 'power_kw', address: 0, type: 'float32' },
        { value: 'voltage_v', address: 2, type: 'float32', channel: 'pv' },
        { value: 'current_a', address: 4 },
        { value: 'frequency_hz', address: 6, type: 'float32' },
        { value: 'frequency_hz', address: 8, type: 'float32' },
        { value: 'power_w', address: 0xffff, type: 'uint32' },
        { value: 'power_w_l1', address: 10, type: 'int16', scale: 0 },
      ],
    };
    const issues = issuesOf(data);
    expect(issues).toEqual([
      expect.stringMatching(/^registers\[0\]: "power_kw" is not a contract value name/),
      expect.stringMatching(/^registers\[1\]: channel "pv" is not one of the map's channels/),
      expect.stringMatching(/^registers\[2\]: no data type/),
      expect.stringMatching(/^registers\[4\]: frequency_hz of channel main is mapped twice/),
      expect.stringMatching(/^registers\[5\]: address 65535 \+ 2 registers is past the end/),
      expect.stringMatching(/^registers\[6\]: scale must be a finite number other than 0/),
    ]);
    expect(() => compileRegisterMap(data)).toThrow(/^invalid register map test-meter:\n {2}- registers\[0\]/);
  });
});
