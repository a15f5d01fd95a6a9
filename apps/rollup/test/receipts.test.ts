import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeReceipt, decodeRollupReceipt, type Reading, type Rollup } from '@wattbus/contract';
import { startApp, TEST_BROKER_NAMES, TEST_BROKERS, type TestBroker, tempDir, waitFor } from '@wattbus/testkit';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 13, 9);
const reading = (m: number): Reading => ({
  v: 1,
  site: 'house-1',
  meter: 'main',
  channel: 'grid',
  role: 'grid',
  seq: 1000 + m,
  ts: T0 + m * MIN,
  values: { energy_import_wh: 10 * m, power_w: 600 },
});

async function storedRollups(dir: string): Promise<Rollup[]> {
  const files = (await readdir(dir).catch(() => [])).filter((f) => f.startsWith('rollups-'));
  const lines = await Promise.all(files.map((f) => readFile(join(dir, f), 'utf8')));
  return lines.flatMap((text) =>
    text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Rollup),
  );
}

describe.each(TEST_BROKER_NAMES)('wattbus-rollup on %s: storage receipts', (name) => {
  let broker: TestBroker;
  beforeAll(async () => {
    broker = await TEST_BROKERS[name]();
  });
  afterAll(() => broker?.stop());

  it('receipts the readings it journaled, and keeps each rollup, re-sending it, until the sink worker receipts it', async () => {
    const consumerId = `rollup-${name}`;
    const sinkId = `sink-${name}`;
    const observer = await mqtt.connectAsync(broker.url, { clientId: `observer-${name}` });
    const sent: Rollup[] = [];
    const readingReceipts: Array<{ topic: string; payload: Buffer }> = [];
    const rollupReceipts: Array<{ topic: string; payload: Buffer }> = [];
    observer.on('message', (topic, payload) => {
      if (topic.includes('/rollup/receipt/')) rollupReceipts.push({ topic, payload });
      else if (topic.includes('/receipt/')) readingReceipts.push({ topic, payload });
      else sent.push(JSON.parse(payload.toString()));
    });
    await observer.subscribeAsync(
      ['wattbus/v1/+/rollup/+', 'wattbus/v1/+/rollup/receipt/+', `wattbus/v1/+/receipt/${consumerId}`],
      { qos: 1 },
    );
    const journal = await tempDir('wattbus-rollup-journal-');
    const config = {
      mqtt: { url: broker.url },
      consumer: { id: consumerId },
      batch: { max_delay_ms: 50 },
      receipts: { interval_ms: 100 },
      delivery: { receipts_from: [sinkId], receipt_timeout_ms: 500, max_backoff_ms: 1000 },
      journal: { dir: journal.path },
      max_future_ms: 10 * 365 * 86_400_000,
    };
    let app = await startApp('rollup', config, { env: { LOG_LEVEL: 'debug' } });
    const agent = await mqtt.connectAsync(broker.url, { clientId: `agent-${name}` });
    for (let m = 0; m <= 5; m++) {
      await agent.publishAsync('wattbus/v1/house-1/main/reading', JSON.stringify(reading(m)), { qos: 1 });
    }
    await agent.endAsync();

    // Readings are receipted once journaled: seqs 1000-1005, all on the rollup app's receipt topic.
    await waitFor(() => readingReceipts.length > 0, { what: 'reading receipts' });
    const seqs = new Set<number>();
    await waitFor(
      () => {
        for (const { topic, payload } of readingReceipts.splice(0)) {
          const decoded = decodeReceipt(topic, payload);
          if (!decoded.ok) throw new Error(decoded.reason);
          expect(decoded.value.consumer).toBe(consumerId);
          for (const [from, to] of decoded.value.ranges.main?.grid ?? []) for (let s = from; s <= to; s++) seqs.add(s);
        }
        return seqs.size === 6;
      },
      { what: 'receipts for seqs 1000-1005' },
    );
    expect([...seqs].sort()).toEqual([1000, 1001, 1002, 1003, 1004, 1005]);

    // No sink worker yet: minutes 0-4 are published, and published again after the receipt timeout.
    const keys = Array.from({ length: 5 }, (_, m) => `house-1/main/grid/1m/${T0 + m * MIN}`);
    const times = (key: string) => sent.filter((r) => r.key === key).length;
    await waitFor(() => keys.every((k) => times(k) >= 2), { what: 'every rollup re-sent', timeoutMs: 20_000 });
    expect(new Set(sent.map((r) => r.key))).toEqual(new Set(keys));

    const data = await tempDir('wattbus-rollup-sink-');
    const worker = await startApp('sink-worker', {
      mqtt: { url: broker.url },
      consumer: { id: sinkId },
      receipts: { interval_ms: 100 },
      rollups: true,
      batch: { max_delay_ms: 50 },
      sinks: { file: { dir: data.path } },
      max_future_ms: 10 * 365 * 86_400_000,
    });
    // The worker receipts what it stored; the app lets every drain go once all its rollups are receipted.
    await app.waitForOutput(/"waiting":0,"msg":"rollups receipted"/, 20_000);
    const receipted = new Map<string, number>();
    for (const { topic, payload } of rollupReceipts) {
      const decoded = decodeRollupReceipt(topic, payload);
      if (!decoded.ok) throw new Error(decoded.reason);
      expect(decoded.value.consumer).toBe(sinkId);
      for (const [start, revision] of decoded.value.rollups.main?.grid?.['1m'] ?? []) {
        receipted.set(`house-1/main/grid/1m/${start}`, revision);
      }
    }
    expect(new Map([...receipted].filter(([k]) => keys.includes(k)))).toEqual(new Map(keys.map((k) => [k, 0])));
    expect(new Set((await storedRollups(data.path)).map((r) => r.key))).toEqual(new Set(keys));

    // Nothing is left to deliver: a restart publishes nothing again.
    expect(await app.stop('SIGTERM')).toBe(0);
    app = await startApp('rollup', config);
    expect(app.output()).toMatch(/"unpublished":0,"msg":"journal restored"/);
    expect(await app.stop('SIGTERM')).toBe(0);
    expect(await worker.stop('SIGTERM')).toBe(0);
    await observer.endAsync();
  });

  it('stops taking readings while more than delivery.max_unreceipted rollups are undelivered', async () => {
    const consumerId = `rollup-bound-${name}`;
    const sinkId = `sink-bound-${name}`;
    const observer = await mqtt.connectAsync(broker.url, { clientId: `observer-bound-${name}` });
    const seqs = new Set<number>();
    observer.on('message', (topic, payload) => {
      const decoded = decodeReceipt(topic, payload);
      if (!decoded.ok) throw new Error(decoded.reason);
      for (const [from, to] of decoded.value.ranges.main?.grid ?? []) for (let s = from; s <= to; s++) seqs.add(s);
    });
    await observer.subscribeAsync(`wattbus/v1/+/receipt/${consumerId}`, { qos: 1 });
    const journal = await tempDir('wattbus-rollup-journal-');
    const app = await startApp('rollup', {
      mqtt: { url: broker.url },
      consumer: { id: consumerId, max_in_flight: 5 },
      batch: { max_size: 5, max_delay_ms: 50 },
      receipts: { interval_ms: 100 },
      delivery: { receipts_from: [sinkId], receipt_timeout_ms: 1_000, max_backoff_ms: 1_000, max_unreceipted: 2 },
      journal: { dir: journal.path },
      max_future_ms: 10 * 365 * 86_400_000,
    });
    const agent = await mqtt.connectAsync(broker.url, { clientId: `agent-bound-${name}` });
    for (let m = 0; m < 30; m++) {
      await agent.publishAsync('wattbus/v1/house-1/main/reading', JSON.stringify(reading(m)), { qos: 1 });
    }
    // Each reading after the first closes a 1-minute rollup. Once 3 rollups are undelivered (over the bound of 2) acks
    // are held, so at most 3 readings are acked before and 5 more held at max_in_flight: the app reads no further.
    // The readings it took are journaled and receipted; no other is.
    await waitFor(() => seqs.size >= 5, { what: 'the first readings journaled' });
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(seqs.size).toBeLessThanOrEqual(8);
    expect(Math.max(...seqs)).toBe(1000 + seqs.size - 1);

    const data = await tempDir('wattbus-rollup-sink-');
    const worker = await startApp('sink-worker', {
      mqtt: { url: broker.url },
      consumer: { id: sinkId },
      receipts: { interval_ms: 100 },
      rollups: true,
      sinks: { file: { dir: data.path } },
      max_future_ms: 10 * 365 * 86_400_000,
    });
    // The rollups sent before the worker subscribed are sent again, receipted, the acks released: the app takes the
    // rest, a batch at a time.
    await waitFor(() => seqs.size === 30, { what: 'all 30 readings journaled', timeoutMs: 30_000 });
    await agent.endAsync();
    expect(await app.stop('SIGTERM')).toBe(0);
    expect(await worker.stop('SIGTERM')).toBe(0);
    await observer.endAsync();
  });
});
