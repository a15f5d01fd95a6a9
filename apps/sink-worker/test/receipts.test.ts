import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeReceipt, exampleReading, type Reading } from '@wattbus/contract';
import { startApp, TEST_BROKER_NAMES, TEST_BROKERS, type TestBroker, tempDir, waitFor } from '@wattbus/testkit';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** What the agents of two sites published: gaps in house-12's grid seqs, two channels, two sites. */
const PUBLISHED: Array<Pick<Reading, 'site' | 'meter' | 'channel' | 'seq'>> = [
  ...[1, 2, 3, 4, 5, 7, 9, 10].map((seq) => ({ site: 'house-12', meter: 'main', channel: 'grid', seq })),
  { site: 'house-12', meter: 'main', channel: 'pv', seq: 3 },
  ...[1, 2, 3].map((seq) => ({ site: 'house-13', meter: 'heat', channel: 'total', seq })),
];

const asReading = (r: (typeof PUBLISHED)[number]): Reading => ({
  ...exampleReading(),
  ...r,
  role: r.channel === 'pv' ? 'production' : 'grid',
  ts: Date.now() - 60_000 + r.seq,
});

async function storedLines(dir: string): Promise<number> {
  const files = await readdir(dir).catch(() => []);
  let lines = 0;
  for (const f of files) lines += (await readFile(join(dir, f), 'utf8')).split('\n').filter(Boolean).length;
  return lines;
}

describe.each(TEST_BROKER_NAMES)('sink-worker on %s: storage receipts', (name) => {
  let broker: TestBroker;
  let observer: mqtt.MqttClient;
  /** `<topic> <payload>` of every receipt seen. */
  const receipts: Array<{ topic: string; payload: Buffer }> = [];
  beforeAll(async () => {
    broker = await TEST_BROKERS[name]();
    observer = await mqtt.connectAsync(broker.url, { clientId: `receipts-observer-${name}` });
    observer.on('message', (topic, payload) => receipts.push({ topic, payload }));
    await observer.subscribeAsync('wattbus/v1/+/receipt/+', { qos: 1 });
  });
  afterAll(async () => {
    await observer?.endAsync();
    await broker?.stop();
  });

  async function publishAll(): Promise<void> {
    const agent = await mqtt.connectAsync(broker.url, { clientId: `receipts-agent-${name}` });
    for (const r of PUBLISHED) {
      await agent.publishAsync(`wattbus/v1/${r.site}/${r.meter}/reading`, JSON.stringify(asReading(r)), { qos: 1 });
    }
    await agent.endAsync();
  }

  it('publishes, per site and interval, one receipt of merged seq ranges of what every sink stored', async () => {
    const data = await tempDir('wattbus-receipts-');
    const worker = await startApp('sink-worker', {
      mqtt: { url: broker.url },
      consumer: { id: 'sink-files' },
      // one interval for the whole test: the stop sends what it gathered
      receipts: { interval_ms: 600_000 },
      batch: { max_size: 4, max_delay_ms: 50 },
      sinks: { file: { dir: `${data.path}/a` } },
    });
    await publishAll();
    await waitFor(async () => (await storedLines(`${data.path}/a`)) === PUBLISHED.length, {
      what: 'every reading stored',
    });
    expect(receipts).toEqual([]);
    expect(await worker.stop('SIGTERM')).toBe(0);
    await waitFor(() => receipts.length >= 2, { what: 'the receipts sent at the stop' });
    const covered = new Map<string, number[]>();
    for (const { topic, payload } of receipts) {
      const decoded = decodeReceipt(topic, payload);
      if (!decoded.ok) throw new Error(`invalid receipt on ${topic}: ${decoded.reason}`);
      expect(decoded.value.consumer).toBe('sink-files');
      for (const [meter, channels] of Object.entries(decoded.value.ranges)) {
        for (const [channel, ranges] of Object.entries(channels)) {
          const seqs: number[] = [];
          for (const [from, to] of ranges) for (let s = from; s <= to; s++) seqs.push(s);
          covered.set(`${decoded.value.site}/${meter}/${channel}`, seqs);
        }
      }
    }
    // one receipt per site, although the readings were written in batches of 4; gaps are separate ranges
    expect(receipts.map((r) => r.topic).sort()).toEqual([
      'wattbus/v1/house-12/receipt/sink-files',
      'wattbus/v1/house-13/receipt/sink-files',
    ]);
    expect(Object.fromEntries(covered)).toEqual({
      'house-12/main/grid': [1, 2, 3, 4, 5, 7, 9, 10],
      'house-12/main/pv': [3],
      'house-13/heat/total': [1, 2, 3],
    });
  });

  it('publishes none with receipts.enabled: false, and still stores and acknowledges', async () => {
    receipts.length = 0;
    const data = await tempDir('wattbus-receipts-off-');
    const config = {
      mqtt: { url: broker.url },
      consumer: { id: 'sink-quiet' },
      receipts: { enabled: false },
      batch: { max_size: 100, max_delay_ms: 200 },
      sinks: { file: { dir: `${data.path}/b` } },
    };
    const worker = await startApp('sink-worker', config);
    await publishAll();
    await waitFor(async () => (await storedLines(`${data.path}/b`)) === PUBLISHED.length, {
      what: 'every reading stored',
    });
    expect(await worker.stop('SIGTERM')).toBe(0);
    // Acknowledged: a new session under the same id gets nothing again (the marker below comes after everything).
    const again = await startApp('sink-worker', config);
    await publishAll();
    await waitFor(async () => (await storedLines(`${data.path}/b`)) === 2 * PUBLISHED.length, {
      what: 'the second round stored',
    });
    expect(await again.stop('SIGTERM')).toBe(0);
    expect(await storedLines(`${data.path}/b`)).toBe(2 * PUBLISHED.length);
    const marker = await mqtt.connectAsync(broker.url, { clientId: `receipts-marker-${name}` });
    await marker.publishAsync('wattbus/v1/house-99/receipt/marker', 'x', { qos: 1 });
    await marker.endAsync();
    await waitFor(() => receipts.some((r) => r.topic.endsWith('/marker')), { what: 'the marker' });
    expect(receipts.map((r) => r.topic)).toEqual(['wattbus/v1/house-99/receipt/marker']);
  });

  it('drains a backlog larger than max_in_flight: acks never wait for a receipt PUBACK the paused socket cannot bring', async () => {
    receipts.length = 0;
    const data = await tempDir('wattbus-receipts-backlog-');
    const id = 'sink-backlog';
    // A persistent session for the worker, so the broker keeps the backlog until it comes.
    const session = await mqtt.connectAsync(broker.url, { clientId: id, clean: false });
    await session.subscribeAsync('wattbus/v1/+/+/reading', { qos: 1 });
    await session.endAsync();
    const agent = await mqtt.connectAsync(broker.url, { clientId: `receipts-backlog-agent-${name}` });
    const sites = Array.from({ length: 20 }, (_, i) => `site-${i}`);
    for (let seq = 1; seq <= 50; seq++) {
      await Promise.all(
        sites.map((site) =>
          agent.publishAsync(
            `wattbus/v1/${site}/main/reading`,
            JSON.stringify(asReading({ site, meter: 'main', channel: 'grid', seq })),
            { qos: 1 },
          ),
        ),
      );
    }
    await agent.endAsync();
    const worker = await startApp('sink-worker', {
      mqtt: { url: broker.url },
      consumer: { id, max_in_flight: 100 },
      batch: { max_size: 50, max_delay_ms: 50 },
      sinks: { file: { dir: `${data.path}/c` } },
    });
    const covered = () => {
      let n = 0;
      for (const { topic, payload } of receipts) {
        const decoded = decodeReceipt(topic, payload);
        if (!decoded.ok) continue;
        for (const [from, to] of decoded.value.ranges.main?.grid ?? []) n += to - from + 1;
      }
      return n;
    };
    await waitFor(() => covered() >= 20 * 50, { what: 'receipts for the whole backlog', timeoutMs: 30_000 });
    expect(await worker.stop('SIGTERM')).toBe(0);
    expect(covered()).toBe(20 * 50);
    expect(await storedLines(`${data.path}/c`)).toBe(20 * 50);
  });
});
