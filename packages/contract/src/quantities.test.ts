import { describe, expect, it } from 'vitest';
import { PHASES, parseValueName, QUANTITIES, type QuantityName, VALUE_NAME_PATTERN, valueName } from './quantities.js';

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
});
