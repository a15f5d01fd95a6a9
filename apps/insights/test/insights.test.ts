import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Rollup, VoltageForecastMessage } from '@wattbus/contract';
import { startApp, TEST_BROKERS, type TestBroker, tempDir, waitFor } from '@wattbus/testkit';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const HOUR = 3_600_000;
const MONDAY = Date.UTC(2026, 2, 2);

/** A grid channel's 1-hour rollup whose voltage goes over the band at 12 h every other day, and the PV's. */
function rollups(site: string, hour: number): Rollup[] {
  const start = MONDAY + hour * HOUR;
  const h = hour % 24;
  const sunny = Math.floor(hour / 24) % 2 === 0;
  const base = {
    v: 1 as const,
    site,
    meter: 'main',
    interval: '1h' as const,
    start,
    end: start + HOUR,
    revision: 0,
    readings: 60,
    coverage: 1,
    estimated_ms: 0,
    resets: 0,
    energy_source: { import: 'index' as const, export: 'index' as const },
    periods: {},
    tariff: null,
    power_w: null,
    cost: { currency: null, import: null, export: null, standing: null, unknown: null },
  };
  const production = Math.round(Math.max(0, Math.sin((Math.PI * (h - 6)) / 12)) * (sunny ? 3000 : 500));
  return [
    {
      ...base,
      key: `${site}/main/grid/1h/${start}`,
      channel: 'grid',
      role: 'grid',
      energy_import_wh: 400,
      energy_export_wh: 0,
      voltage_v: { min: 224, max: sunny && h >= 11 && h <= 13 ? 256 : 240 },
    },
    {
      ...base,
      key: `${site}/main/pv/1h/${start}`,
      channel: 'pv',
      role: 'production',
      energy_import_wh: 0,
      energy_export_wh: production,
      voltage_v: null,
    },
  ];
}

describe('wattbus-insights', () => {
  let broker: TestBroker;
  beforeAll(async () => {
    broker = await TEST_BROKERS.aedes();
  });
  afterAll(() => broker?.stop());

  it('forecasts from hourly rollups, says when history is short, dead-letters bad input, and keeps its model', async () => {
    const state = await tempDir('wattbus-insights-state-');
    const config = {
      mqtt: { url: broker.url },
      consumer: { id: 'insights-test' },
      state: { dir: state.path },
      voltage: { sites: { 'house-1': { has_pv: true } } },
      batch: { max_delay_ms: 100 },
    };
    const start = () => startApp('insights', config);

    const observer = await mqtt.connectAsync(broker.url, { clientId: 'insights-observer' });
    const forecasts = new Map<string, VoltageForecastMessage>();
    const letters: Array<{ reason: string }> = [];
    observer.on('message', (topic, payload) => {
      const body = JSON.parse(payload.toString());
      if (topic.startsWith('wattbus/v1/dlq/')) letters.push(body);
      else forecasts.set(body.site, body);
    });
    await observer.subscribeAsync(['wattbus/v1/+/forecast/voltage', 'wattbus/v1/dlq/insights-test'], { qos: 1 });

    const agent = await mqtt.connectAsync(broker.url, { clientId: 'insights-rollup-source' });
    // The sites' retained info names their time zone (house-1's is not configured, so its info's is used).
    const info = (site: string, timezone: string) =>
      agent.publishAsync(`wattbus/v1/${site}/info`, JSON.stringify({ v: 1, site, ts: MONDAY, timezone, meters: [] }), {
        qos: 1,
        retain: true,
      });
    await info('house-1', 'Asia/Tokyo');
    await info('house-2', 'Mars/Olympus_Mons');
    let app = await start();
    const send = (r: Rollup) => agent.publishAsync(`wattbus/v1/${r.site}/rollup/1h`, JSON.stringify(r), { qos: 1 });
    for (let hour = 0; hour < 15 * 24; hour++) for (const r of rollups('house-1', hour)) await send(r);
    for (let hour = 0; hour < 48; hour++) for (const r of rollups('house-2', hour)) await send(r);
    await agent.publishAsync('wattbus/v1/house-1/rollup/1h', '{"v":1,', { qos: 1 });
    await agent.publishAsync('wattbus/v1/house-1/rollup/1h', JSON.stringify({ v: 1, site: 'house-1' }), { qos: 1 });

    await waitFor(() => forecasts.get('house-1')?.issued === MONDAY + 15 * 24 * HOUR && letters.length === 3, {
      timeoutMs: 30_000,
    });
    const house1 = forecasts.get('house-1') as VoltageForecastMessage;
    expect(house1.status).toBe('ok');
    expect(house1.band).toEqual({ low_v: 207, high_v: 253 });
    expect(house1.hours.map((h) => (h.start - house1.issued) / HOUR)).toEqual([1, 2, 3, 4, 5, 6]);
    await waitFor(() => forecasts.get('house-2')?.issued === MONDAY + 48 * HOUR, { timeoutMs: 10_000 });
    expect(forecasts.get('house-2')).toMatchObject({ status: 'insufficient history: 48 hours, need 336', hours: [] });
    expect(letters.map((l) => l.reason)).toEqual([
      'info: unknown time zone "Mars/Olympus_Mons"',
      'not JSON',
      expect.stringMatching(/^not a rollup: .*key/),
    ]);
    expect(app.output()).toMatch(/"site":"house-1","status":"trained"/);

    expect(await app.stop('SIGTERM')).toBe(0);
    const saved = JSON.parse(await readFile(join(state.path, 'house-1.json'), 'utf8'));
    expect(saved.model.trained_hours).toBeGreaterThanOrEqual(336);
    expect([saved.model.timezone, saved.info_timezone]).toEqual(['Asia/Tokyo', 'Asia/Tokyo']);

    // After a restart the model is read back, not retrained, and forecasting goes on from the next hour.
    app = await start();
    for (const r of rollups('house-1', 15 * 24)) await send(r);
    await waitFor(() => forecasts.get('house-1')?.issued === MONDAY + (15 * 24 + 1) * HOUR, { timeoutMs: 30_000 });
    expect(forecasts.get('house-1')?.status).toBe('ok');
    expect(app.output()).not.toMatch(/voltage model trained/);

    // The site moves to another zone: the model's hours of day no longer hold, so it is trained again.
    await info('house-1', 'Europe/Brussels');
    for (const r of rollups('house-1', 15 * 24 + 1)) await send(r);
    await waitFor(() => forecasts.get('house-1')?.issued === MONDAY + (15 * 24 + 2) * HOUR, { timeoutMs: 30_000 });
    expect(app.output()).toMatch(/voltage model trained/);
    expect(await app.stop('SIGTERM')).toBe(0);
    const moved = JSON.parse(await readFile(join(state.path, 'house-1.json'), 'utf8'));
    expect([moved.model.timezone, moved.info_timezone]).toEqual(['Europe/Brussels', 'Europe/Brussels']);
    await Promise.all([observer.endAsync(), agent.endAsync()]);
  });
  it('works through a backlog of more rollups than max_in_flight (its forecasts go out on another connection)', async () => {
    const state = await tempDir('wattbus-insights-backlog-');
    const app = await startApp('insights', {
      mqtt: { url: broker.url },
      consumer: { id: 'insights-backlog', max_in_flight: 5 },
      state: { dir: state.path },
      voltage: { sites: { 'house-3': { has_pv: true } } },
      batch: { max_delay_ms: 100 },
    });
    const observer = await mqtt.connectAsync(broker.url, { clientId: 'insights-backlog-observer' });
    const issued: number[] = [];
    observer.on('message', (_topic, payload) => issued.push(JSON.parse(payload.toString()).issued));
    await observer.subscribeAsync('wattbus/v1/house-3/forecast/voltage', { qos: 1 });
    const source = await mqtt.connectAsync(broker.url, { clientId: 'insights-backlog-source' });
    const sent: Promise<unknown>[] = [];
    for (let hour = 0; hour < 30; hour++) {
      for (const r of rollups('house-3', hour))
        sent.push(source.publishAsync('wattbus/v1/house-3/rollup/1h', JSON.stringify(r), { qos: 1 }));
    }
    await Promise.all(sent);
    await waitFor(() => issued.includes(MONDAY + 30 * HOUR), {
      what: 'the forecast after the 30th hour',
      timeoutMs: 30_000,
    });
    expect(await app.stop('SIGTERM')).toBe(0);
    await Promise.all([observer.endAsync(), source.endAsync()]);
  });
});
