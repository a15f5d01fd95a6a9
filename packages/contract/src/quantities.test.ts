import { describe, expect, it } from 'vitest';
import {
  PHASES,
  parseValueName,
  QUANTITIES,
  type QuantityName,
  RATES,
  VALUE_NAME_PATTERN,
  valueName,
} from './quantities.js';

describe('quantity registry', () => {
  it('builds names as <quantity>_<unit>[_<phase>]', () => {
    expect(valueName('power')).toBe('power_w');
    expect(valueName('voltage', 'l1')).toBe('voltage_v_l1');
    expect(valueName('power_factor')).toBe('power_factor');
    expect(valueName('energy_import')).toBe('energy_import_wh');
  });

  it('parses every name it builds, and the pattern accepts exactly those', () => {
    const pattern = new RegExp(VALUE_NAME_PATTERN);
    for (const q of Object.keys(QUANTITIES) as QuantityName[]) {
      for (const phase of [undefined, ...PHASES]) {
        const name = valueName(q, phase);
        expect(parseValueName(name)).toEqual(phase ? { quantity: q, phase } : { quantity: q });
        expect(pattern.test(name)).toBe(true);
      }
    }
    for (const bad of ['power', 'power_kw', 'voltage_v_l4', 'energy_wh', 'power_w_']) {
      expect(parseValueName(bad)).toBeUndefined();
      expect(pattern.test(bad)).toBe(false);
    }
  });

  it('builds and parses a tariff rate after the phase, on counters only', () => {
    const pattern = new RegExp(VALUE_NAME_PATTERN);
    expect(valueName('energy_import', undefined, 't1')).toBe('energy_import_wh_t1');
    expect(valueName('reactive_energy_export', 'l2', 'hpjr')).toBe('reactive_energy_export_varh_l2_hpjr');
    expect(() => valueName('power', undefined, 't1')).toThrow(/only counters have rates/);
    for (const q of Object.keys(QUANTITIES) as QuantityName[]) {
      if (QUANTITIES[q].kind !== 'counter') continue;
      for (const phase of [undefined, ...PHASES]) {
        for (const rate of RATES) {
          const name = valueName(q, phase, rate);
          expect(parseValueName(name)).toEqual(phase ? { quantity: q, phase, rate } : { quantity: q, rate });
          expect(pattern.test(name)).toBe(true);
        }
      }
    }
    for (const bad of [
      'power_w_t1',
      'voltage_v_l1_hc',
      'energy_import_wh_t5',
      'energy_import_wh_t1_l1',
      'energy_import_wh_hc_',
    ]) {
      expect(parseValueName(bad)).toBeUndefined();
      expect(pattern.test(bad)).toBe(false);
    }
  });
});
