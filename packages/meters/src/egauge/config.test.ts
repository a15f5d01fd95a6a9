import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { drivers } from '../registry.js';
import { EgaugeConfigSchema, RegisterObjectSchema } from './config.js';
import { egaugeDriver } from './index.js';

const withDefaults = (input: unknown) => Value.Default(EgaugeConfigSchema, Value.Clone(input));
const valid = (input: unknown) => Value.Check(EgaugeConfigSchema, withDefaults(input));

describe('EgaugeConfigSchema', () => {
  it('needs only the URL and the registers', () => {
    expect(withDefaults({ url: 'http://egauge12345.local', registers: ['Grid=P'] })).toEqual({
      url: 'http://egauge12345.local',
      registers: ['Grid=P'],
      timeout_ms: 10_000,
      api: 'history',
      step_s: 1,
      history_rows: 3600,
      max_power_w: 250_000,
    });
    expect(valid({ url: 'http://egauge12345.local', registers: ['Grid=P'] })).toBe(true);
  });

  it('accepts "name=unit" strings and objects with channel and value', () => {
    const registers = [
      'Grid=P',
      'L1 Voltage=V',
      'CT1_Amperage=A',
      'CT2=I',
      'Mains VA=S',
      'Line Frequency=F',
      { name: 'Solar', unit: 'P', channel: 'production', value: 'energy_export_wh' },
      { name: 'L2 Voltage', unit: 'V', channel: 'grid', value: 'voltage_v_l2' },
    ];
    expect(valid({ url: 'https://10.0.0.7:8443/egauge', registers, username: 'owner', password: 'x' })).toBe(true);
  });

  it('rejects bad URLs, registers and bounds', () => {
    const url = 'http://192.168.1.40';
    const bad = [
      { url: 'ftp://192.168.1.40', registers: ['Grid=P'] },
      { url: 'http://owner:pw@192.168.1.40', registers: ['Grid=P'] },
      { url, registers: [] },
      { url, registers: ['Grid'] },
      { url, registers: ['Grid=W'] },
      { url, registers: ['=P'] },
      { url, registers: ['Grid=P', 'Grid=P'] },
      { url, registers: [{ name: 'Grid', unit: 'P', channel: 'Grid' }] },
      { url, registers: [{ name: 'Grid', unit: 'P', value: 'watts' }] },
      { url, registers: [{ name: 'Grid', unit: 'P', colour: 'red' }] },
      { url, registers: ['Grid=P'], step_s: 0 },
      { url, registers: ['Grid=P'], history_rows: 1 },
      { url, registers: ['Grid=P'], timeout_ms: 10 },
      { url, registers: ['Grid=P'], max_power_w: 0 },
      { url, registers: ['Grid=P'], extra: 1 },
    ];
    for (const input of bad) expect(valid(input), JSON.stringify(input)).toBe(false);
  });

  it('documents every field', () => {
    for (const [key, field] of Object.entries(EgaugeConfigSchema.properties))
      expect(field.description, key).toBeTruthy();
    for (const [key, field] of Object.entries(RegisterObjectSchema.properties))
      expect(field.description, key).toBeTruthy();
  });
});

describe('egaugeDriver', () => {
  it('is registered under its name with its schema, and creates a meter without I/O', () => {
    expect(drivers.egauge).toBe(egaugeDriver);
    expect(egaugeDriver.configSchema).toBe(EgaugeConfigSchema);
    // nothing listens on port 9: creating must not touch the network
    const meter = egaugeDriver.create(withDefaults({ url: 'http://127.0.0.1:9', registers: ['Grid=P', 'Solar=P'] }), {
      meterId: 'pv',
    });
    expect(meter.channels.map((c) => c.id)).toEqual(['grid', 'solar']);
    expect(meter.minIntervalMs).toBe(1000);
  });
});
