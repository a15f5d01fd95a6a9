import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { drivers } from '../registry.js';
import { EcodevicesConfigSchema, PulseCounterSchema } from './config.js';
import { ecodevicesDriver } from './index.js';

const withDefaults = (input: unknown) => Value.Default(EcodevicesConfigSchema, Value.Clone(input));
const valid = (input: unknown) => Value.Check(EcodevicesConfigSchema, withDefaults(input));

describe('EcodevicesConfigSchema', () => {
  it('needs only the URL', () => {
    expect(withDefaults({ url: 'http://192.168.1.70' })).toEqual({
      url: 'http://192.168.1.70',
      timeout_ms: 5000,
      teleinfo: ['t1', 't2'],
      max_apparent_power_va: 100_000,
    });
    expect(valid({ url: 'http://192.168.1.70' })).toBe(true);
    expect(
      valid({
        url: 'http://eco.local:8080/',
        username: 'admin',
        password: 'x',
        teleinfo: ['t1'],
        c1: { channel: 'production', value: 'energy_export_wh', scale: 1 },
      }),
    ).toBe(true);
  });

  it('rejects bad inputs', () => {
    const url = 'http://192.168.1.70';
    const bad = [
      {},
      { url: 'eco.local' },
      { url, teleinfo: ['t3'] },
      { url, teleinfo: ['t1', 't1'] },
      { url, c1: { channel: 'water', value: 'litres', scale: 1 } },
      { url, c1: { channel: 'water', value: 'energy_import_wh', scale: 0 } },
      { url, c1: { channel: 'water', value: 'energy_import_wh' } },
      { url, c3: { channel: 'gas', value: 'energy_import_wh', scale: 1 } },
      { url, max_apparent_power_va: 0 },
    ];
    for (const input of bad) expect(valid(input), JSON.stringify(input)).toBe(false);
  });

  it('documents every field', () => {
    for (const [key, field] of Object.entries(EcodevicesConfigSchema.properties))
      expect(field.description, key).toBeTruthy();
    for (const [key, field] of Object.entries(PulseCounterSchema.properties))
      expect(field.description, key).toBeTruthy();
  });
});

describe('ecodevicesDriver', () => {
  it('is registered under its name and creates a meter without I/O', () => {
    expect(drivers.ecodevices).toBe(ecodevicesDriver);
    const meter = ecodevicesDriver.create(withDefaults({ url: 'http://127.0.0.1:9', teleinfo: ['t1'] }), {
      meterId: 'm',
    });
    expect(meter.channels.map((c) => c.id)).toEqual(['t1']);
  });
});
