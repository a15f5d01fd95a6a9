import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Reading, Rollup } from '@wattbus/contract';
import {
  type ProcessHandle,
  startProcess,
  TEST_BROKER_NAMES,
  TEST_BROKERS,
  type TestBroker,
  tempDir,
  waitFor,
} from '@wattbus/testkit';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const MIN = 60_000;
/** Tuesday 2026-01-13 10:00 in Paris (CET, +1): HP (06:00–22:00). */
const T0 = Date.UTC(2026, 0, 13, 9);

const reading = (m: number, imp: number): Reading => ({
  v: 1,
  site: 'house-1',
  meter: 'main',
  channel: 'grid',
  role: 'grid',
  seq: 1000 + m,
  ts: T0 + m * MIN,
  values: { energy_import_wh: imp, power_w: 600 },
});

async function startRollup(brokerUrl: string, consumerId: string): Promise<ProcessHandle> {
  const dir = await tempDir('wattbus-rollup-');
  const config = join(dir.path, 'rollup.yaml');
  await writeFile(
    config,
    JSON.stringify({
      mqtt: { url: brokerUrl },
      consumer: { id: consumerId },
      batch: { max_delay_ms: 50 },
      rollups: { late_window_ms: 3_600_000 },
      energy: {
        tariffs: {
          paris: {
            timezone: 'Europe/Paris',
            default_period: 'HC',
            rules: [{ period: 'HP', from: '06:00', to: '22:00' }],
            import: { fixed: { HP: 0.25, HC: 0.2 } },
          },
        },
        default_tariff: 'paris',
      },
      // readings of 2026 are "in the future" only if the test machine's clock is before them; allow any
      max_future_ms: 10 * 365 * 86_400_000,
    }),
  );
  return startProcess(
    process.execPath,
    ['--conditions=wattbus-source', '--import', 'tsx', 'src/main.ts', '--config', config],
    { cwd: join(import.meta.dirname, '..'), env: { LOG_LEVEL: 'info' }, readyWhen: /"msg":"subscribed"/ },
  );
}

describe.each(TEST_BROKER_NAMES)('wattbus-rollup on %s', (name) => {
  let broker: TestBroker;
  beforeAll(async () => {
    broker = await TEST_BROKERS[name]();
  });
  afterAll(() => broker?.stop());

  it('publishes rollups of the readings, dead-letters bad ones, and takes what came while it was down', async () => {
    const consumerId = `rollup-${name}`;
    const observer = await mqtt.connectAsync(broker.url, { clientId: `observer-${name}` });
    const rollups: Rollup[] = [];
    const letters: Array<{ reason: string; topic: string }> = [];
    observer.on('message', (topic, payload) => {
      if (topic.startsWith('wattbus/v1/dlq/')) letters.push(JSON.parse(payload.toString()));
      else rollups.push(JSON.parse(payload.toString()));
    });
    await observer.subscribeAsync(['wattbus/v1/+/rollup/+', `wattbus/v1/dlq/${consumerId}`], { qos: 1 });
    const agent = await mqtt.connectAsync(broker.url, { clientId: `agent-${name}` });
    const send = (r: Reading) => agent.publishAsync('wattbus/v1/house-1/main/reading', JSON.stringify(r), { qos: 1 });

    let app = await startRollup(broker.url, consumerId);
    // 10:00 … 10:20, 10 Wh a minute; a payload that is not JSON; a reading 2 h older than the channel's newest.
    for (let m = 0; m <= 20; m++) await send(reading(m, 10 * m));
    await agent.publishAsync('wattbus/v1/house-1/main/reading', '{"v":1,', { qos: 1 });
    await send(reading(-120, 0));
    // 1-min rollups 10:00–10:19 (20), 15-min 10:00–10:15 (1).
    await waitFor(() => rollups.length >= 21 && letters.length >= 2, { timeoutMs: 20_000 });
    expect(rollups.filter((r) => r.interval === '1m').map((r) => (r.start - T0) / MIN)).toEqual(
      Array.from({ length: 20 }, (_, m) => m),
    );
    for (const r of rollups.filter((r) => r.interval === '1m')) expect(r.energy_import_wh).toBeCloseTo(10, 9);
    const quarter = rollups.find((r) => r.interval === '15m');
    // 150 Wh at HP 0.25 EUR/kWh: 0.0375 EUR.
    expect(quarter).toMatchObject({ key: `house-1/main/grid/15m/${T0}`, revision: 0, readings: 15, coverage: 1 });
    expect(quarter?.cost.import).toBeCloseTo(0.0375, 12);
    expect(letters.map((l) => l.reason)).toEqual([
      expect.stringMatching(/JSON/i),
      "older than the channel's newest reading by more than late_window_ms (3600000 ms)",
    ]);

    // Stopped, the consumer's session keeps the readings published meanwhile (10:21 … 10:40).
    expect(await app.stop()).toBe(0);
    for (let m = 21; m <= 40; m++) await send(reading(m, 10 * m));
    const before = rollups.length;
    app = await startRollup(broker.url, consumerId);
    // Its open intervals were in memory only (the 10:20 reading is gone with them): from 10:21 on, 1-min rollups
    // 10:21–10:39 (19) and the quarter 10:15 from 10:21 only (9 readings, 9 of 15 minutes covered). 10:30 stays open.
    await waitFor(() => rollups.length >= before + 20, { timeoutMs: 20_000 });
    const after = rollups.slice(before);
    expect(after.filter((r) => r.interval === '1m').map((r) => (r.start - T0) / MIN)).toEqual(
      Array.from({ length: 19 }, (_, i) => 21 + i),
    );
    const quarters = after.filter((r) => r.interval === '15m');
    expect(quarters.map((r) => [(r.start - T0) / MIN, r.readings, r.coverage])).toEqual([[15, 9, 9 / 15]]);
    // Every reading was acknowledged: a third start gets nothing again.
    expect(await app.stop()).toBe(0);
    const total = rollups.length;
    app = await startRollup(broker.url, consumerId);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(rollups.length).toBe(total);
    expect(await app.stop()).toBe(0);
    await Promise.all([observer.endAsync(), agent.endAsync()]);
  });
});
