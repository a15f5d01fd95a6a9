import {
  type InfluxdHandle,
  readStoredReadings,
  startApp,
  startInfluxd,
  TEST_BROKER_NAMES,
  TEST_BROKERS,
  type TestBroker,
  tempDir,
  waitFor,
} from '@wattbus/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let influx: InfluxdHandle;
beforeAll(async () => {
  influx = await startInfluxd();
});
afterAll(async () => {
  await influx?.stop();
});

const stats = (output: string) => {
  const line = output.split('\n').find((l) => l.includes('"msg":"stopped"'));
  return JSON.parse(line ?? '{}') as { received?: number };
};

describe.each(TEST_BROKER_NAMES)('on %s', (name) => {
  let broker: TestBroker;
  beforeAll(async () => {
    broker = await TEST_BROKERS[name]({ persistent: true });
  });
  afterAll(async () => {
    await broker?.stop();
  });

  // The embedded broker speaks MQTT 3.1.1 only; mosquitto takes $share from either version.
  it('two workers sharing $share/sinks/… split the stream; each reading is stored exactly once', async () => {
    const tmp = await tempDir('wattbus-share-');
    const database = `shared_${name}`;
    const worker = (id: string) =>
      startApp('sink-worker', {
        mqtt: { url: broker.url, protocol_version: name === 'mosquitto' ? 5 : 4 },
        consumer: { id, share_group: 'sinks' },
        batch: { max_size: 20, max_delay_ms: 50 },
        sinks: { influx: { url: influx.url, database } },
      });
    const [a, b] = await Promise.all([worker('sink-a'), worker('sink-b')]);
    const agent = await startApp('edge-agent', {
      site: { id: `shared-${name}` },
      mqtt: { url: broker.url },
      state_dir: tmp.path,
      meters: [1, 2, 3, 4].map((i) => ({ id: `m${i}`, driver: 'simulated', interval_ms: 100, config: { seed: i } })),
    });
    await waitFor(async () => (await readStoredReadings(influx, database).catch(() => [])).length >= 200, {
      what: '200 stored readings',
      timeoutMs: 30_000,
    });
    expect(await agent.stop()).toBe(0);
    // Every reading the agent made: seq 1..n on each of the 8 channels.
    const rows = await waitFor(
      async () => {
        const r = await readStoredReadings(influx, database);
        const max = new Map<string, number>();
        for (const row of r) {
          const k = `${row.tags.meter}/${row.tags.channel}`;
          max.set(k, Math.max(max.get(k) ?? 0, row.seq));
        }
        const expected = [...max.values()].reduce((x, y) => x + y, 0);
        return r.length === expected && max.size === 8 ? r : undefined;
      },
      { what: 'every reading stored', timeoutMs: 20_000 },
    );
    expect(new Set(rows.map((r) => `${r.tags.meter}/${r.tags.channel}/${r.seq}`)).size).toBe(rows.length);
    expect(await a.stop()).toBe(0);
    expect(await b.stop()).toBe(0);
    const [ra, rb] = [stats(a.output()).received ?? 0, stats(b.output()).received ?? 0];
    // Each message of the group goes to one member: both worked, and together they saw the whole stream (a
    // redelivered message is counted twice; the store still holds it once).
    expect(ra).toBeGreaterThan(0);
    expect(rb).toBeGreaterThan(0);
    expect(ra + rb).toBeGreaterThanOrEqual(rows.length);
    await tmp.cleanup();
  });
});
