import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ApplianceEstimatesMessage, Reading } from '@wattbus/contract';
import { startApp, TEST_BROKERS, type TestBroker, tempDir, waitFor } from '@wattbus/testkit';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BLOCK_S = 300;

describe('wattbus-insights: appliances', () => {
  let broker: TestBroker;
  beforeAll(async () => {
    broker = await TEST_BROKERS.aedes();
  });
  afterAll(() => broker?.stop());

  it('recognises a kettle in 1-second consumption and publishes its estimate per block', async () => {
    const state = await tempDir('wattbus-insights-appliances-');
    const app = await startApp('insights', {
      mqtt: { url: broker.url },
      consumer: { id: 'insights-appliances' },
      state: { dir: join(state.path, 'state') },
      appliances: { block_s: BLOCK_S },
    });
    const observer = await mqtt.connectAsync(broker.url, { clientId: 'insights-appliances-observer' });
    const seen: ApplianceEstimatesMessage[] = [];
    observer.on('message', (_topic, payload) => seen.push(JSON.parse(payload.toString())));
    await observer.subscribeAsync('wattbus/v1/house-a/insights/appliances', { qos: 1 });

    // Four whole blocks ending at the last block boundary before now, then one reading to close the fourth.
    const start = (Math.floor(Date.now() / (BLOCK_S * 1000)) - 4) * BLOCK_S * 1000;
    const agent = await mqtt.connectAsync(broker.url, { clientId: 'insights-appliances-agent' });
    const kettleOn = (s: number) => (s >= 100 && s < 280) || (s >= 700 && s < 880);
    for (let s = 0; s <= 4 * BLOCK_S; s++) {
      const reading: Reading = {
        v: 1,
        site: 'house-a',
        meter: 'main',
        channel: 'house',
        role: 'consumption',
        seq: s + 1,
        ts: start + s * 1000,
        values: { power_w: 100 + (kettleOn(s) ? 2000 : 0) + ((s * 7) % 5) - 2 },
      };
      await agent.publishAsync('wattbus/v1/house-a/main/reading', JSON.stringify(reading), { qos: 1 });
    }

    await waitFor(() => seen.find((m) => m.observed_s === 4 * BLOCK_S), {
      what: 'estimates of 4 blocks',
      timeoutMs: 30_000,
    });
    const last = seen.find((m) => m.observed_s === 4 * BLOCK_S) as ApplianceEstimatesMessage;
    expect(last.status).toBe('ok');
    expect(last.ts).toBe(start + 4 * BLOCK_S * 1000);
    expect(last.appliances).toHaveLength(1);
    const kettle = last.appliances[0];
    expect(Math.abs((kettle?.step_w ?? 0) - 2000)).toBeLessThan(20);
    expect(kettle?.duration_s).toBe(180);
    expect(kettle?.runs_per_day).toBeCloseTo(2 / ((4 * BLOCK_S) / 86_400), 6);
    const saved = JSON.parse(await readFile(join(state.path, 'state', 'house-a.appliances.json'), 'utf8'));
    expect(saved.observed_s).toBe(4 * BLOCK_S);

    expect(await app.stop('SIGTERM')).toBe(0);
    await Promise.all([observer.endAsync(), agent.endAsync()]);
  });
});
