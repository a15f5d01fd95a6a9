import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { drivers } from '../registry.js';
import { FluksoConfigSchema, FluksoSensorSchema } from './config.js';
import { fluksoDriver } from './index.js';

const ID = '0123456789abcdef0123456789abcdef';
const withDefaults = (input: unknown) => Value.Default(FluksoConfigSchema, Value.Clone(input));
const valid = (input: unknown) => Value.Check(FluksoConfigSchema, withDefaults(input));

describe('FluksoConfigSchema', () => {
  it('needs the broker and the sensors', () => {
    expect(withDefaults({ url: 'mqtt://192.168.1.60:1883', sensors: [{ id: ID, channel: 'grid' }] })).toEqual({
      url: 'mqtt://192.168.1.60:1883',
      sensors: [{ id: ID, channel: 'grid', factor: 1 }],
      stale_after_s: 60,
      max_power_w: 100_000,
      first_data_ms: 3000,
      connect_timeout_ms: 10_000,
    });
    expect(valid({ url: 'mqtts://flm.local', sensors: [{ id: ID, channel: 'pv', phase: 'l2', factor: -1 }] })).toBe(
      true,
    );
  });

  it('rejects bad brokers and sensors', () => {
    const url = 'mqtt://192.168.1.60';
    const sensors = [{ id: ID, channel: 'grid' }];
    const bad = [
      { url: 'http://192.168.1.60', sensors },
      { url: 'mqtt://user:pw@192.168.1.60', sensors },
      { url, sensors: [] },
      { url, sensors: [{ id: ID.toUpperCase(), channel: 'grid' }] },
      { url, sensors: [{ id: ID.slice(1), channel: 'grid' }] },
      { url, sensors: [{ id: ID, channel: 'Grid' }] },
      { url, sensors: [{ id: ID, channel: 'grid', phase: 'l4' }] },
      { url, sensors: [{ id: ID, channel: 'grid', network_factor: 1 }] },
      { url, sensors, stale_after_s: 0 },
      { url, sensors, interval: 5 },
    ];
    for (const input of bad) expect(valid(input), JSON.stringify(input)).toBe(false);
  });

  it('documents every field', () => {
    for (const [key, field] of Object.entries(FluksoConfigSchema.properties))
      expect(field.description, key).toBeTruthy();
    for (const [key, field] of Object.entries(FluksoSensorSchema.properties))
      expect(field.description, key).toBeTruthy();
  });
});

describe('fluksoDriver', () => {
  it('is registered under its name and creates a meter without connecting', () => {
    expect(drivers.flukso).toBe(fluksoDriver);
    const meter = fluksoDriver.create(
      withDefaults({ url: 'mqtt://127.0.0.1:9', sensors: [{ id: ID, channel: 'main', phase: 'l1' }] }),
      { meterId: 'flm' },
    );
    expect(meter.channels).toEqual([
      { id: 'main', values: ['power_w', 'power_w_l1', 'energy_import_wh', 'energy_import_wh_l1'] },
    ]);
  });
});
