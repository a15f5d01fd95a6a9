import type { Reading, Rollup } from '@wattbus/contract';
import { startApp, TEST_BROKER_NAMES, TEST_BROKERS, type TestBroker, tempDir, waitFor } from '@wattbus/testkit';
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

function rollupConfig(brokerUrl: string, consumerId: string, journalDir: string): object {
  return {
    mqtt: { url: brokerUrl },
    consumer: { id: consumerId },
    batch: { max_delay_ms: 50 },
    rollups: { late_window_ms: 3_600_000 },
    journal: { dir: journalDir },
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
  };
}

/** The highest revision of each key; fails if two copies of one revision differ (a republish must be identical). */
function latestByKey(rollups: Rollup[]): Map<string, Rollup> {
  const byKey = new Map<string, Rollup>();
  for (const r of rollups) {
    const seen = byKey.get(r.key);
    if (seen?.revision === r.revision) expect(r).toEqual(seen);
    if (seen === undefined || r.revision > seen.revision) byKey.set(r.key, r);
  }
  return byKey;
}

describe.each(TEST_BROKER_NAMES)('wattbus-rollup on %s', (name) => {
  let broker: TestBroker;
  beforeAll(async () => {
    broker = await TEST_BROKERS[name]();
  });
  afterAll(() => broker?.stop());

  it('publishes rollups, dead-letters bad input, and after a SIGKILL continues the open intervals and revisions', async () => {
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

    const journal = await tempDir('wattbus-rollup-journal-');
    const config = rollupConfig(broker.url, consumerId, journal.path);
    let app = await startApp('rollup', config);
    // 10:00 … 10:20 without 10:12, 10 Wh a minute; a payload that is not JSON; a reading 2 h older than the newest.
    for (let m = 0; m <= 20; m++) if (m !== 12) await send(reading(m, 10 * m));
    await agent.publishAsync('wattbus/v1/house-1/main/reading', '{"v":1,', { qos: 1 });
    await send(reading(-120, 0));
    // 1-min rollups 10:00–10:19 (20; 10:11 and 10:12 interpolated), 15-min 10:00–10:15 (1).
    await waitFor(() => rollups.length >= 21 && letters.length >= 2, { timeoutMs: 20_000 });
    expect(rollups.filter((r) => r.interval === '1m').map((r) => (r.start - T0) / MIN)).toEqual(
      Array.from({ length: 20 }, (_, m) => m),
    );
    for (const r of rollups.filter((r) => r.interval === '1m')) expect(r.energy_import_wh).toBeCloseTo(10, 9);
    const quarter = rollups.find((r) => r.interval === '15m');
    // 150 Wh at HP 0.25 EUR/kWh: 0.0375 EUR.
    expect(quarter).toMatchObject({ key: `house-1/main/grid/15m/${T0}`, revision: 0, readings: 14, coverage: 1 });
    expect(quarter?.cost.import).toBeCloseTo(0.0375, 12);
    expect(letters.map((l) => l.reason)).toEqual([
      expect.stringMatching(/JSON/i),
      "older than the channel's newest reading by more than late_window_ms (3600000 ms)",
    ]);

    // Killed mid-quarter (10:15 open since 10:20); the session keeps what is published meanwhile (10:29 … 10:40).
    for (let m = 21; m <= 28; m++) await send(reading(m, 10 * m));
    await waitFor(() => rollups.some((r) => r.interval === '1m' && r.start === T0 + 27 * MIN), { timeoutMs: 20_000 });
    await app.kill9();
    for (let m = 29; m <= 40; m++) await send(reading(m, 10 * m));
    app = await startApp('rollup', config);
    await waitFor(() => rollups.some((r) => r.interval === '15m' && r.start === T0 + 15 * MIN), { timeoutMs: 20_000 });
    // The missing 10:12 comes late: the rollups it changes are published again, with the next revision.
    await send(reading(12, 120));
    await waitFor(() => rollups.some((r) => r.interval === '15m' && r.start === T0 && r.revision === 1), {
      timeoutMs: 20_000,
    });
    await waitFor(() => latestByKey(rollups).size >= 42, { timeoutMs: 20_000 });
    const latest = [...latestByKey(rollups).values()];
    // The journal kept the open quarter through the kill: every minute 10:00–10:39 and both quarters, complete.
    expect(latest.filter((r) => r.interval === '1m').map((r) => (r.start - T0) / MIN)).toEqual(
      Array.from({ length: 40 }, (_, m) => m),
    );
    for (const r of latest.filter((r) => r.interval === '1m')) {
      expect(r.energy_import_wh).toBeCloseTo(10, 9);
      // Revisions continue after the restart: 10:11 and 10:12 were corrected once.
      expect([(r.start - T0) / MIN, r.revision]).toEqual([
        (r.start - T0) / MIN,
        r.start === T0 + 11 * MIN || r.start === T0 + 12 * MIN ? 1 : 0,
      ]);
    }
    const quarters = latest.filter((r) => r.interval === '15m');
    expect(quarters.map((r) => [(r.start - T0) / MIN, r.revision, r.readings, r.coverage, r.energy_import_wh])).toEqual(
      [
        [0, 1, 15, 1, 150],
        [15, 0, 15, 1, 150],
      ],
    );
    expect(latest).toHaveLength(42);
    // Every reading was acknowledged: a third start gets nothing again.
    expect(await app.stop()).toBe(0);
    const total = rollups.length;
    app = await startApp('rollup', config);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(rollups.length).toBe(total);
    expect(await app.stop()).toBe(0);
    await Promise.all([observer.endAsync(), agent.endAsync()]);
  });

  it('works through a backlog larger than max_in_flight (rollups go out on a connection that is always read)', async () => {
    const consumerId = `rollup-backlog-${name}`;
    const observer = await mqtt.connectAsync(broker.url, { clientId: `observer-backlog-${name}` });
    const starts = new Set<number>();
    observer.on('message', (_, payload) => {
      const r = JSON.parse(payload.toString()) as Rollup;
      if (r.interval === '1m') starts.add((r.start - T0) / MIN);
    });
    await observer.subscribeAsync('wattbus/v1/+/rollup/+', { qos: 1 });
    const journal = await tempDir('wattbus-rollup-journal-');
    const config = {
      ...rollupConfig(broker.url, consumerId, journal.path),
      consumer: { id: consumerId, max_in_flight: 5 },
      batch: { max_size: 5, max_delay_ms: 50 },
    };
    // The first start makes the session; the backlog of 40 readings waits in it.
    let app = await startApp('rollup', config);
    expect(await app.stop()).toBe(0);
    const agent = await mqtt.connectAsync(broker.url, { clientId: `agent-backlog-${name}` });
    for (let m = 0; m < 40; m++) {
      await agent.publishAsync('wattbus/v1/house-1/main/reading', JSON.stringify(reading(m, 10 * m)), { qos: 1 });
    }
    app = await startApp('rollup', config);
    await waitFor(() => starts.size === 39, { what: 'the 1-minute rollups 10:00-10:38', timeoutMs: 30_000 });
    expect([...starts].sort((a, b) => a - b)).toEqual(Array.from({ length: 39 }, (_, m) => m));
    expect(await app.stop()).toBe(0);
    await Promise.all([observer.endAsync(), agent.endAsync()]);
  });
});
