import { validateHealth, validateInfo, validateStatus } from '@wattbus/contract';
import { type DriverDefinition, drivers } from '@wattbus/meters';
import { describe, expect, it } from 'vitest';
import { checkMeters } from '../src/check-meters.js';
import type { AgentConfig } from '../src/config.js';
import { MeterPoller } from '../src/meter-poller.js';
import { healthMessage, infoMessage, statusMessage } from '../src/site-messages.js';
import { AGENT_VERSION } from '../src/version.js';
import { agentConfig, FakeDriver } from './helpers.js';

const NOW = Date.UTC(2025, 2, 1, 9, 30);

function pollersFor(config: AgentConfig): MeterPoller[] {
  checkMeters(config, drivers, 'agent.yaml');
  return config.meters.map(
    (meter) =>
      new MeterPoller(
        config.site.id,
        meter,
        (drivers[meter.driver] as DriverDefinition).create(meter.config, { meterId: meter.id }),
        { readings: () => {}, error: () => {}, nextSeq: () => 1 },
      ),
  );
}

describe('statusMessage', () => {
  it('carries the state, the time and the agent version', () => {
    const online = statusMessage('online', NOW);
    expect(online).toEqual({ v: 1, state: 'online', ts: NOW, agent: AGENT_VERSION });
    expect(AGENT_VERSION).toMatch(/^\d+\.\d+\.\d+/);
    expect(validateStatus(online).ok).toBe(true);
    expect(validateStatus(statusMessage('offline', NOW)).ok).toBe(true);
  });
});

describe('infoMessage', () => {
  it('lists every meter with its driver, interval and published channels, and validates', () => {
    const config = agentConfig(
      [
        { id: 'main', interval_ms: 2000, config: { seed: 4, pv_kwp: 3 } },
        {
          id: 'heat-pump',
          interval_ms: 500,
          config: { seed: 5 },
          channels: [{ id: 'consumption', role: 'consumption', phase: 'l2', sign: 1 }],
        },
      ],
      {
        id: 'house-9',
        name: 'House 9',
        location: { lat: 50.63, lon: 5.57 },
        timezone: 'Europe/Brussels',
        tags: { city: 'Liège', postcode: '4000' },
      },
    );
    const info = infoMessage(config, pollersFor(config), NOW);
    expect(info).toEqual({
      v: 1,
      site: 'house-9',
      ts: NOW,
      name: 'House 9',
      location: { lat: 50.63, lon: 5.57 },
      timezone: 'Europe/Brussels',
      tags: { city: 'Liège', postcode: '4000' },
      meters: [
        {
          id: 'main',
          driver: 'simulated',
          interval_ms: 2000,
          channels: [
            { id: 'consumption', role: 'consumption' },
            { id: 'production', role: 'production' },
            { id: 'grid', role: 'grid' },
          ],
        },
        {
          id: 'heat-pump',
          driver: 'simulated',
          interval_ms: 500,
          channels: [{ id: 'consumption', role: 'consumption', phase: 'l2' }],
        },
      ],
    });
    const checked = validateInfo(info);
    expect(checked.ok ? [] : checked.errors).toEqual([]);
  });

  it('leaves out the optional site metadata that is not configured', () => {
    const config = agentConfig([{ id: 'main' }]);
    const info = infoMessage(config, pollersFor(config), NOW);
    expect(Object.keys(info).sort()).toEqual(['meters', 'site', 'ts', 'v']);
    expect(info.meters).toEqual([
      {
        id: 'main',
        driver: 'simulated',
        interval_ms: 1000,
        channels: [
          { id: 'consumption', role: 'consumption' },
          { id: 'grid', role: 'grid' },
        ],
      },
    ]);
    expect(validateInfo(info).ok).toBe(true);
  });

  it('gives driver channels that are not grid/consumption/production the role "other"', () => {
    const config = agentConfig([{ id: 'sub', driver: 'fake' }]);
    const driver = new FakeDriver({
      channels: [
        { id: 'grid', values: ['power_w'] },
        { id: 'ev-charger', values: ['power_w'] },
      ],
    });
    const poller = new MeterPoller('house-1', config.meters[0] as AgentConfig['meters'][number], driver, {
      readings: () => {},
      error: () => {},
      nextSeq: () => 1,
    });
    const info = infoMessage(config, [poller], NOW);
    expect(info.meters[0]?.channels).toEqual([
      { id: 'grid', role: 'grid' },
      { id: 'ev-charger', role: 'other' },
    ]);
    expect(validateInfo(info).ok).toBe(true);
  });
});

describe('healthMessage', () => {
  it('reports uptime, memory, queue and per-meter counters, and validates', async () => {
    const config = agentConfig([{ id: 'main' }, { id: 'flaky', driver: 'fake' }]);
    const [main] = pollersFor(agentConfig([{ id: 'main' }]));
    const flakyDriver = new FakeDriver({
      read: () => {
        throw new Error(`timeout ${'x'.repeat(600)}`);
      },
    });
    const flaky = new MeterPoller('house-1', config.meters[1] as AgentConfig['meters'][number], flakyDriver, {
      readings: () => {},
      error: () => {},
      nextSeq: () => 1,
    });
    const pollers = [main as MeterPoller, flaky];
    await main?.pollOnce(NOW - 1000);
    await main?.pollOnce(NOW);
    await flaky.pollOnce(NOW);

    const health = healthMessage('house-1', NOW - 90_400, { depth: 3, dropped: 0 }, pollers, NOW);
    expect(health.v).toBe(1);
    expect(health.site).toBe('house-1');
    expect(health.ts).toBe(NOW);
    expect(health.uptime_s).toBe(90);
    expect(health.rss_bytes).toBeGreaterThan(0);
    expect(health.queue).toEqual({ depth: 3, dropped: 0 });
    expect(health.meters).toHaveLength(2);
    expect(health.meters[0]).toEqual({ id: 'main', reads_ok: 2, read_errors: 0, last_ok_ts: NOW });
    expect(health.meters[1]?.id).toBe('flaky');
    expect(health.meters[1]?.reads_ok).toBe(0);
    expect(health.meters[1]?.read_errors).toBe(1);
    expect(health.meters[1]?.last_error).toMatch(/^meter flaky: timeout x+$/);
    expect(health.meters[1]?.last_error).toHaveLength(512);
    const checked = validateHealth(health);
    expect(checked.ok ? [] : checked.errors).toEqual([]);
  });
});
