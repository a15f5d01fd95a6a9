import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EcodevicesDataError, parseStatus, pulseCounter, teleinfo } from './status.js';

const fixture = (name: string) => parseStatus(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));

describe('Eco-devices cmd=10 answers', () => {
  it('base contract (the TP Mosquitto capture): PAPP, BASE index and PTEC; T2 without a meter', () => {
    const data = fixture('cmd10-base.json');
    expect(teleinfo(data, 't1', 100_000)).toEqual({
      values: { apparent_power_va: 130, energy_import_wh: 1_875_395 },
      tariff: 'TH..',
    });
    expect(teleinfo(data, 't2', 100_000)).toBeUndefined();
    expect(pulseCounter(data, 'c1', { channel: 'water', value: 'energy_import_wh', scale: 1 })).toBe(784_482);
    expect(pulseCounter(data, 'c2', { channel: 'pv', value: 'energy_export_wh', scale: 1000 })).toBe(10_818_000);
  });

  it('off-peak/peak contract: the energy is the sum of the HCHC and HCHP indexes; numeric strings are read', () => {
    const data = fixture('cmd10-hchp.json');
    expect(teleinfo(data, 't1', 100_000)).toEqual({
      values: { apparent_power_va: 2350, energy_import_wh: 10_223_517 + 14_876_390 },
      tariff: 'HP..',
    });
    expect(teleinfo(data, 't2', 100_000)).toEqual({
      values: { apparent_power_va: 420, energy_import_wh: 50_113 },
      tariff: 'HC..',
    });
  });

  it('rejects answers that are not a JSON object, with the start of what came', () => {
    expect(() => parseStatus('<html><body>Error</body></html>')).toThrow(EcodevicesDataError);
    expect(() => parseStatus('<html><body>Error</body></html>')).toThrow(
      /^answer is not JSON \(.*\): "<html><body>Error/,
    );
    expect(() => parseStatus('{"product": "Eco-dev')).toThrow(/answer is not JSON/);
    expect(() => parseStatus('[1, 2]')).toThrow('answer is JSON but not an object: [1, 2]');
  });

  it('rejects missing fields, values that are not numbers and absurd ones', () => {
    const base = fixture('cmd10-base.json');
    const check = (patch: Record<string, unknown>) => () => teleinfo({ ...base, ...patch }, 't1', 36_000);
    expect(check({ T1_PAPP: 'NaN' })).toThrow('T1_PAPP is not a number ("NaN")');
    expect(check({ T1_PAPP: null })).toThrow('T1_PAPP is not a number (null)');
    expect(check({ T1_PAPP: 99_999 })).toThrow('T1_PAPP = 99999 VA is out of range (max_apparent_power_va is 36000)');
    expect(check({ T1_PAPP: -5 })).toThrow(/T1_PAPP = -5 VA is out of range/);
    expect(check({ T1_BASE: 5e12 })).toThrow('T1_BASE = 5000000000000 Wh is out of range (an index has 9 digits)');
    expect(check({ T1_PTEC: 3 })).toThrow('T1_PTEC is not a string (3)');
    const { T1_BASE: _, ...noIndex } = base;
    expect(() => teleinfo(noIndex, 't1', 36_000)).toThrow('T1_BASE is missing from the answer');
    const { T1_PTEC: __, ...noPtec } = base;
    expect(() => teleinfo(noPtec, 't1', 36_000)).toThrow('T1_PTEC is missing from the answer');
    expect(() => pulseCounter({ INDEX_C1: -1 }, 'c1', { channel: 'x', value: 'energy_import_wh', scale: 1 })).toThrow(
      'INDEX_C1 = -1 is negative',
    );
  });
});
