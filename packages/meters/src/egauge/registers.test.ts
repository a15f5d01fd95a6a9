import { describe, expect, it } from 'vitest';
import { channelIdFor, channelsOf, registerMappings } from './registers.js';

describe('registerMappings', () => {
  it('maps "name=unit" strings as in the Peper config to a channel named after the register', () => {
    const mappings = registerMappings(['Grid=P', 'L1_Voltage=V', 'CT1_Amperage=A', 'Mains VA=S', 'Hz=F'], 250_000);
    expect(mappings.map((m) => [m.name, m.channel, m.value, m.kind])).toEqual([
      ['Grid', 'grid', 'power_w', 'rate'],
      ['L1_Voltage', 'l1_voltage', 'voltage_v', 'rate'],
      ['CT1_Amperage', 'ct1_amperage', 'current_a', 'rate'],
      ['Mains VA', 'mains_va', 'apparent_power_va', 'rate'],
      ['Hz', 'hz', 'frequency_hz', 'rate'],
    ]);
    expect(mappings[1]).toMatchObject({ deviceType: 'V', rateScale: 1e-3, signed: false, limit: 1000 });
    expect(mappings[2]).toMatchObject({ deviceType: 'I', rateScale: 1e-3 });
    expect(mappings[0]).toMatchObject({ deviceType: 'P', rateScale: 1, signed: true, limit: 250_000 });
  });

  it('puts registers on chosen channels and values, totals as indexes', () => {
    const mappings = registerMappings(
      [
        { name: 'Grid', unit: 'P', channel: 'grid' },
        { name: 'Grid', unit: 'P', channel: 'grid', value: 'energy_import_wh' },
        { name: 'L1 Voltage', unit: 'V', channel: 'grid', value: 'voltage_v_l1' },
        { name: 'L2 Voltage', unit: 'V', channel: 'grid', value: 'voltage_v_l2' },
      ],
      250_000,
    );
    expect(mappings[1]).toMatchObject({ kind: 'total', totalScale: 1 / 3600, value: 'energy_import_wh' });
    expect(channelsOf(mappings)).toEqual([
      { id: 'grid', values: ['power_w', 'energy_import_wh', 'voltage_v_l1', 'voltage_v_l2'] },
    ]);
  });

  it('refuses a value that does not fit the unit, and two registers writing the same value', () => {
    expect(() => registerMappings([{ name: 'L1', unit: 'V', value: 'energy_import_wh' }], 1)).toThrow(
      'registers[0] (L1): a V register cannot report energy_import_wh (it can report voltage_v, with a phase suffix)',
    );
    expect(() => registerMappings([{ name: 'Grid', unit: 'P', value: 'current_a' }], 1)).toThrow(
      /it can report power_w, energy_import_wh, energy_export_wh/,
    );
    expect(() => registerMappings(['Grid=P', { name: 'Mains', unit: 'P', channel: 'grid' }], 1)).toThrow(
      'registers[1] (Mains): grid.power_w is already reported by register "Grid"',
    );
  });

  it('derives valid channel ids from any register name', () => {
    expect(channelIdFor('L1 Voltage')).toBe('l1_voltage');
    expect(channelIdFor('  Solar+ ')).toBe('solar');
    expect(channelIdFor('Küche/Herd')).toBe('k_che_herd');
    expect(channelIdFor('***')).toBe('register');
    expect(channelIdFor('x'.repeat(80))).toHaveLength(64);
  });
});
