import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { drivers } from '../registry.js';
import { SimulatedConfigSchema } from './config.js';
import { simulatedDriver } from './index.js';

const withDefaults = (input: unknown) => Value.Default(SimulatedConfigSchema, Value.Clone(input));

describe('SimulatedConfigSchema', () => {
  it('fills in defaults', () => {
    const config = withDefaults({});
    expect(config).toEqual({ seed: 1, base_w: 150, pv_kwp: 0, latitude: 50.85, longitude: 4.35 });
    expect(Value.Check(SimulatedConfigSchema, config)).toBe(true);
  });

  it('accepts a full config with fault injection', () => {
    const config = withDefaults({ seed: 7, pv_kwp: 4.5, fail: { every_s: 300, for_s: 30 } });
    expect(Value.Check(SimulatedConfigSchema, config)).toBe(true);
  });

  it('rejects unknown keys, bad ranges and bad fault windows', () => {
    const bad = [
      { speedup: 10 },
      { seed: 1.5 },
      { seed: -1 },
      { base_w: -1 },
      { pv_kwp: -2 },
      { latitude: 91 },
      { longitude: -181 },
      { fail: { every_s: 0, for_s: 1 } },
      { fail: { every_s: 10, for_s: -1 } },
      { fail: { every_s: 10 } },
      { fail: { every_s: 10, for_s: 1, extra: true } },
    ];
    for (const input of bad)
      expect(Value.Check(SimulatedConfigSchema, withDefaults(input)), JSON.stringify(input)).toBe(false);
  });

  it('documents every field', () => {
    for (const [key, field] of Object.entries(SimulatedConfigSchema.properties)) {
      expect(field.description, key).toBeTruthy();
    }
    for (const [key, field] of Object.entries(SimulatedConfigSchema.properties.fail.properties)) {
      expect(field.description, key).toBeTruthy();
    }
  });
});

describe('simulatedDriver', () => {
  it('is registered under its name with its schema', () => {
    expect(simulatedDriver.name).toBe('simulated');
    expect(simulatedDriver.description).toMatch(/household/i);
    expect(simulatedDriver.configSchema).toBe(SimulatedConfigSchema);
    expect(drivers.simulated).toBe(simulatedDriver);
  });

  it('creates a meter from a defaulted config', async () => {
    const meter = simulatedDriver.create(withDefaults({ pv_kwp: 3 }), { meterId: 'house' });
    expect(meter.channels.map((c) => c.id)).toEqual(['consumption', 'production', 'grid']);
    await meter.open();
    const samples = await meter.read(Date.UTC(2024, 5, 21, 12));
    expect(samples).toHaveLength(3);
    await meter.close();
  });
});
