import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Health, Reading, Status } from '@wattbus/contract';
import { startApp, TEST_BROKER_NAMES, TEST_BROKERS, type TestBroker, tempDir, waitFor } from '@wattbus/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { observe } from './brokers.js';

const channelSeq = (r: { meter: string; channel: string; seq: number }) => `${r.meter}/${r.channel}#${r.seq}`;

async function storedReadings(dir: string): Promise<Reading[]> {
  const files = await readdir(dir).catch(() => []);
  const out: Reading[] = [];
  for (const f of files) {
    for (const line of (await readFile(join(dir, f), 'utf8')).split('\n')) if (line) out.push(JSON.parse(line));
  }
  return out;
}

describe.concurrent.each(TEST_BROKER_NAMES)('storage receipts (%s)', (name) => {
  let broker: TestBroker;
  beforeAll(async () => {
    broker = await TEST_BROKERS[name]();
  });
  afterAll(async () => {
    await broker?.stop();
  });

  it('keeps readings a broker acknowledged but never delivered, and sends them again until stored', {
    timeout: 90_000,
  }, async () => {
    const tmp = await tempDir('wattbus-receipts-');
    const site = `receipts-${name}`;
    const readings = await observe(broker.url, `wattbus/v1/${site}/+/reading`);
    const health = await observe(broker.url, `wattbus/v1/${site}/health`);
    const agent = await startApp('edge-agent', {
      site: { id: site },
      mqtt: { url: broker.url },
      state_dir: `${tmp.path}/state`,
      delivery: { receipts_from: ['sink-late'], receipt_timeout_ms: 500, max_backoff_ms: 2000 },
      health_interval_s: 1,
      meters: [{ id: 'main', driver: 'simulated', interval_ms: 200, config: { seed: 3 } }],
    });
    // No worker has a session yet: the broker acknowledges these readings and delivers them to no one.
    await waitFor(() => readings.messages.length >= 20, { what: '20 readings published', timeoutMs: 20_000 });
    const beforeWorker = new Set(readings.messages.map((m) => channelSeq(m.payload as Reading)));
    const worker = await startApp('sink-worker', {
      mqtt: { url: broker.url },
      consumer: { id: 'sink-late' },
      receipts: { interval_ms: 200 },
      batch: { max_size: 100, max_delay_ms: 100 },
      sinks: { file: { dir: `${tmp.path}/files` } },
    });
    await waitFor(
      async () => {
        const stored = new Set((await storedReadings(`${tmp.path}/files`)).map(channelSeq));
        return [...beforeWorker].every((k) => stored.has(k));
      },
      { what: 'the readings published before the worker existed, stored', timeoutMs: 30_000 },
    );
    const lastHealth = await waitFor(
      () => {
        const h = health.messages.at(-1)?.payload as Health | undefined;
        return h?.delivery && h.delivery.resent > 0 && h.delivery.unreceipted < 20 ? h : undefined;
      },
      { what: 'health saying the agent caught up after re-sends', timeoutMs: 20_000 },
    );
    expect(lastHealth.delivery?.receipts_from).toEqual(['sink-late']);
    expect(lastHealth.delivery?.resent).toBeGreaterThanOrEqual(beforeWorker.size);
    // Every reading published so far gets stored, including those the broker took while the worker was still
    // subscribing (their re-sends back off up to max_backoff_ms). Later ones may be in flight at the stop: they stay
    // in the agent's queue, which is not what this test is about.
    const published = new Set(readings.messages.map((m) => channelSeq(m.payload as Reading)));
    const unstored = async () => {
      const stored = new Set((await storedReadings(`${tmp.path}/files`)).map(channelSeq));
      return [...published].filter((k) => !stored.has(k));
    };
    await waitFor(async () => (await unstored()).length === 0, {
      what: 'every reading published so far, stored',
      timeoutMs: 30_000,
    });

    const status = await observe(broker.url, `wattbus/v1/${site}/status`);
    await waitFor(() => status.messages.some((m) => m.retain), { what: 'the retained status' });
    const retained = status.messages.find((m) => m.retain)?.payload as Status;
    expect(retained.state).toBe('online');
    expect(retained.delivery?.unreceipted).toBeGreaterThanOrEqual(0);

    expect(await agent.stop('SIGTERM')).toBe(0);
    expect(await worker.stop('SIGTERM')).toBe(0);
    // the file sink may hold a re-sent one twice (its readers dedupe)
    expect(await unstored()).toEqual([]);
    expect(published.size).toBeGreaterThan(beforeWorker.size);
    await Promise.all([readings.client.endAsync(), health.client.endAsync(), status.client.endAsync()]);
  });

  it('still holds max_readings while receipts do not come, dropping the oldest and counting them', {
    timeout: 60_000,
  }, async () => {
    const tmp = await tempDir('wattbus-receipts-limit-');
    const site = `receipts-limit-${name}`;
    const health = await observe(broker.url, `wattbus/v1/${site}/health`);
    const agent = await startApp('edge-agent', {
      site: { id: site },
      mqtt: { url: broker.url },
      state_dir: `${tmp.path}/state`,
      queue: { max_readings: 100, publish_window: 10 },
      delivery: { receipts_from: ['sink-absent'], receipt_timeout_ms: 300, max_backoff_ms: 600 },
      health_interval_s: 1,
      meters: [{ id: 'main', driver: 'simulated', interval_ms: 100, config: { seed: 4 } }],
    });
    const healths = () => health.messages.map((m) => m.payload as Health);
    await waitFor(() => healths().some((h) => h.queue.dropped >= 60 && (h.delivery?.resent ?? 0) > 0), {
      what: 'readings dropped past the limit while waiting for receipts',
      timeoutMs: 30_000,
    });
    expect(await agent.stop('SIGTERM')).toBe(0);
    await health.client.endAsync();
    for (const h of healths()) {
      expect(h.queue.depth).toBeLessThanOrEqual(100 + 10); // the limit, plus at most the window in flight
      expect(h.delivery?.unreceipted).toBe(h.queue.depth);
    }
  });
});
