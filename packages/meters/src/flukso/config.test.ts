import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { drivers } from '../registry.js';
import { FluksoConfigSchema, FluksoSensorSchema } from './config.js';
import { FluksoHttpMeter } from './http-meter.js';
import { FluksoMeter, fluksoDriver } from './index.js';

const ID = '0123456789abcdef0123456789abcdef';
const withDefaults = (input: unknown) => Value.Default(FluksoConfigSchema, Value.Clone(input));
const valid = (input: unknown) => Value.Check(FluksoConfigSchema, withDefaults(input));

describe('FluksoConfigSchema', () => {
  it('needs the Fluksometer (broker or HTTP API) and the sensors', () => {
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
    for (const url of ['http://192.168.1.60:8080', 'http://flm.local:8080/', 'http://192.168.1.60']) {
      expect(valid({ url, sensors: [{ id: ID, channel: 'grid' }] }), url).toBe(true);
    }
  });

  it('rejects bad URLs and sensors', () => {
    const url = 'mqtt://192.168.1.60';
    const sensors = [{ id: ID, channel: 'grid' }];
    const bad = [
      { url: 'https://192.168.1.60:8080', sensors },
      { url: 'http://192.168.1.60:8080/sensor', sensors },
      { url: 'http://192.168.1.60:8080?version=1.0', sensors },
      { url: 'http://user:pw@192.168.1.60:8080', sensors },
      { url: 'tcp://192.168.1.60:1883', sensors },
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
    expect(meter).toBeInstanceOf(FluksoMeter);
    expect(meter.channels).toEqual([
      { id: 'main', values: ['power_w', 'power_w_l1', 'energy_import_wh', 'energy_import_wh_l1'] },
    ]);
  });

  it('reads the local HTTP API for an http:// url: power only, as it serves no counters', () => {
    const meter = fluksoDriver.create(
      withDefaults({ url: 'http://127.0.0.1:9', sensors: [{ id: ID, channel: 'main', phase: 'l1' }] }),
      { meterId: 'flm' },
    );
    expect(meter).toBeInstanceOf(FluksoHttpMeter);
    expect(meter.channels).toEqual([{ id: 'main', values: ['power_w', 'power_w_l1'] }]);
  });

  it('refuses a sensor listed twice for one channel, on either path', () => {
    for (const url of ['mqtt://127.0.0.1:9', 'http://127.0.0.1:9']) {
      const sensors = [
        { id: ID, channel: 'main' },
        { id: ID, channel: 'main', factor: -1 },
      ];
      expect(() => fluksoDriver.create(withDefaults({ url, sensors }), { meterId: 'flm' }), url).toThrow(
        `meter flm: config.sensors[1]: sensor ${ID} is already listed for channel main`,
      );
    }
  });
});
