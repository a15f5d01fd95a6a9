import { ConfigError } from '@wattbus/config';
import { type DriverDefinition, drivers } from '@wattbus/meters';
import { describe, expect, it } from 'vitest';
import { checkMeters } from '../src/check-meters.js';
import type { AgentConfig } from '../src/config.js';
import { agentConfig } from './helpers.js';

const FILE = '/etc/wattbus/agent.yaml';

function issuesOf(config: AgentConfig, registry: Record<string, DriverDefinition> = drivers): ConfigError {
  try {
    checkMeters(config, registry, FILE);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('checkMeters accepted the config');
}

describe('checkMeters', () => {
  it('accepts valid meters and applies the driver defaults in place', () => {
    const config = agentConfig([
      { id: 'main', config: { seed: 3, pv_kwp: 4 }, channels: [{ id: 'grid', role: 'grid', sign: 1 }] },
      { id: 'heat-pump' },
    ]);
    expect(() => checkMeters(config, drivers, FILE)).not.toThrow();
    expect(config.meters[0]?.config).toEqual({ seed: 3, pv_kwp: 4, base_w: 150, latitude: 50.85, longitude: 4.35 });
    expect(config.meters[1]?.config).toEqual({ seed: 1, pv_kwp: 0, base_w: 150, latitude: 50.85, longitude: 4.35 });
  });

  it('names an unknown driver and lists the known ones', () => {
    const fake = { ...drivers.simulated, name: 'modbus' } as DriverDefinition;
    const err = issuesOf(agentConfig([{ id: 'main' }, { id: 'pv', driver: 'egauge' }]), {
      simulated: drivers.simulated as DriverDefinition,
      modbus: fake,
    });
    expect(err.file).toBe(FILE);
    expect(err.issues).toEqual([
      { path: 'meters[1].driver', message: 'unknown driver "egauge" (known: simulated, modbus)' },
    ]);
    expect(err.message).toContain(FILE);
    expect(err.message).toContain('meters[1].driver');
  });

  it('reports bad driver settings with their full key path', () => {
    const err = issuesOf(
      agentConfig([
        { id: 'main', config: { seed: 1 } },
        { id: 'pv', config: { seed: 'abc', pv_kwp: -1 } },
        { id: 'spare', config: { speed: 3 } },
      ]),
    );
    const paths = err.issues.map((i) => i.path);
    expect(paths).toContain('meters[1].config.seed');
    expect(paths).toContain('meters[1].config.pv_kwp');
    expect(paths.some((p) => p.startsWith('meters[2].config'))).toBe(true);
    expect(paths.some((p) => p.startsWith('meters[0]'))).toBe(false);
    expect(err.message).toContain(FILE);
    expect(err.message).toContain('meters[1].config.seed');
    const unknownKey = err.issues.find((i) => i.path.startsWith('meters[2].config'));
    expect(`${unknownKey?.path} ${unknownKey?.message}`).toMatch(/speed/);
  });

  it('reports a duplicate meter id at the second occurrence', () => {
    const err = issuesOf(agentConfig([{ id: 'main' }, { id: 'pv' }, { id: 'main' }]));
    expect(err.issues).toEqual([{ path: 'meters[2].id', message: 'duplicate meter id "main"' }]);
  });

  it('reports a configured channel the driver does not provide, with the ones it has', () => {
    const err = issuesOf(
      agentConfig([
        {
          id: 'main',
          config: { pv_kwp: 0 },
          channels: [
            { id: 'grid', role: 'grid', sign: 1 },
            { id: 'production', role: 'production', sign: -1 },
          ],
        },
      ]),
    );
    expect(err.issues).toEqual([
      {
        path: 'meters[0].channels[1].id',
        message: 'driver simulated has no channel "production" (it has: consumption, grid)',
      },
    ]);
  });

  it('collects every problem of every meter in one error', () => {
    const err = issuesOf(
      agentConfig([
        { id: 'a', driver: 'nope' },
        { id: 'a', config: { seed: -5 } },
        { id: 'b', channels: [{ id: 'solar', role: 'production', sign: 1 }] },
      ]),
    );
    expect(err.issues.map((i) => i.path)).toEqual([
      'meters[0].driver',
      'meters[1].id',
      'meters[1].config.seed',
      'meters[2].channels[0].id',
    ]);
  });
});

describe('checkMeters with a driver whose mapping is inconsistent', () => {
  it('reports what the driver refused at meters[i].config instead of crashing', () => {
    const picky = {
      ...drivers.simulated,
      create: () => {
        throw new Error('registers[1] writes grid.power_w, already written by registers[0]');
      },
    } as DriverDefinition;
    const err = issuesOf(agentConfig([{ id: 'main', driver: 'picky' }]), { picky });
    expect(err.issues).toEqual([
      { path: 'meters[0].config', message: 'registers[1] writes grid.power_w, already written by registers[0]' },
    ]);
  });
});
