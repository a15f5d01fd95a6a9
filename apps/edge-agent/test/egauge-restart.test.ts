import type { Reading } from '@wattbus/contract';
import { EgaugeSimulator } from '@wattbus/simulators/egauge';
import { startAedes, startApp, tempDir, waitFor } from '@wattbus/testkit';
import mqtt from 'mqtt';
import { expect, it } from 'vitest';

it('an eGauge meter loses no second while the agent is killed: the restart fills the gap from the device history', async () => {
  const device = new EgaugeSimulator({ registers: [{ name: 'Grid', type: 'P', rate: (ts) => ts % 1000 }] });
  await device.start();
  const broker = await startAedes();
  const state = await tempDir('wattbus-egauge-restart-');
  const site = 'egauge-home';
  const observer = await mqtt.connectAsync(broker.url, { clientId: 'egauge-observer' });
  const readings: Reading[] = [];
  observer.on('message', (_topic, payload) => readings.push(JSON.parse(payload.toString()) as Reading));
  await observer.subscribeAsync(`wattbus/v1/${site}/+/reading`, { qos: 1 });
  const config = {
    site: { id: site },
    mqtt: { url: broker.url },
    state_dir: state.path,
    meters: [
      {
        id: 'egauge',
        driver: 'egauge',
        interval_ms: 1000,
        config: { url: device.url, registers: ['Grid=P'] },
        channels: [{ id: 'grid', role: 'grid' }],
      },
    ],
  };
  let killedAt = 0;
  try {
    const first = await startApp('edge-agent', config);
    await waitFor(() => readings.length >= 3, { what: 'three readings before the kill', timeoutMs: 20_000 });
    await first.kill9();
    killedAt = Date.now();
    // Down for several polls.
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    const second = await startApp('edge-agent', config);
    await waitFor(() => readings.some((r) => r.ts > killedAt + 6_000), {
      what: 'readings well after the restart',
      timeoutMs: 30_000,
    });
    expect(await second.stop()).toBe(0);
  } finally {
    await observer.endAsync();
    await broker.stop();
    await device.stop();
    await state.cleanup();
  }

  const seconds = [...new Set(readings.map((r) => r.ts / 1000))].sort((a, b) => a - b);
  const first = seconds[0] as number;
  const last = seconds.at(-1) as number;
  // every second of device time, from the first reading to the last, exactly once (re-sent copies are identical)
  expect(seconds).toEqual(Array.from({ length: last - first + 1 }, (_, k) => first + k));
  const bySeq = new Map(readings.map((r) => [r.seq, r]));
  expect(bySeq.size).toBe(seconds.length);
  for (const r of bySeq.values()) expect(r.values.power_w).toBe((r.ts / 1000) % 1000);
  // …and that span covers the seconds the agent was down
  expect(first * 1000).toBeLessThan(killedAt);
  expect(last * 1000).toBeGreaterThan(killedAt + 6_000);
}, 90_000);
