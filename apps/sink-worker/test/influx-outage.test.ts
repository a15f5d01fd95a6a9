import { readFileSync } from 'node:fs';
import type { Reading } from '@wattbus/contract';
import { readStoredReadings, startApp, startInfluxd, startMosquitto, tempDir, waitFor } from '@wattbus/testkit';
import mqtt from 'mqtt';
import { expect, it } from 'vitest';

const rssMb = (pid: number) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

it('influxd killed for 20 s during a stream: afterwards every reading is stored once, and the worker stayed bounded', async () => {
  const [broker, influx, tmp] = await Promise.all([startMosquitto(), startInfluxd(), tempDir('wattbus-influx-down-')]);
  const worker = await startApp('sink-worker', {
    mqtt: { url: broker.url },
    consumer: { id: 'outage-worker', max_in_flight: 300 },
    batch: { max_size: 100, max_delay_ms: 100 },
    retry: { min_ms: 100, max_ms: 1000 },
    sinks: { influx: { url: influx.url, database: 'down', timeout_ms: 1000 } },
  });
  // What the agent published, per channel: the last seq seen by an independent subscriber.
  const observer = await mqtt.connectAsync(broker.url, { clientId: 'outage-observer' });
  const lastSeq = new Map<string, number>();
  observer.on('message', (_t, p) => {
    const r = JSON.parse(p.toString()) as Reading;
    lastSeq.set(`${r.meter}/${r.channel}`, Math.max(lastSeq.get(`${r.meter}/${r.channel}`) ?? 0, r.seq));
  });
  await observer.subscribeAsync('wattbus/v1/stream/+/reading', { qos: 1 });
  const agent = await startApp('edge-agent', {
    site: { id: 'stream' },
    mqtt: { url: broker.url },
    state_dir: tmp.path,
    meters: [1, 2].map((i) => ({ id: `m${i}`, driver: 'simulated', interval_ms: 100, config: { seed: i, pv_kwp: 2 } })),
  });
  await waitFor(async () => (await readStoredReadings(influx, 'down').catch(() => [])).length >= 100, {
    what: 'a flowing stream',
  });

  await influx.kill9();
  const pid = worker.proc.pid as number;
  let maxRss = 0;
  for (let s = 0; s < 20; s++) {
    await new Promise((r) => setTimeout(r, 1000));
    maxRss = Math.max(maxRss, rssMb(pid));
  }
  await influx.restart();
  expect(await agent.stop()).toBe(0);
  await observer.endAsync();
  const expected = [...lastSeq.values()].reduce((a, b) => a + b, 0);
  expect(lastSeq.size).toBe(6);

  const rows = await waitFor(
    async () => {
      const r = await readStoredReadings(influx, 'down').catch(() => []);
      return r.length === expected ? r : undefined;
    },
    { what: 'every reading in InfluxDB', timeoutMs: 60_000 },
  );
  expect(rows.length).toBeGreaterThan(100 + 20 * 50 * 0.5); // the 20 s of the outage are in there
  expect(new Set(rows.map((r) => `${r.tags.meter}/${r.tags.channel}/${r.seq}`)).size).toBe(rows.length);
  // ~1,200 readings arrived during the outage; the worker holds at most 300 and the broker keeps the rest.
  expect(maxRss).toBeLessThan(200);
  expect(worker.output()).toMatch(/sink write failed; retrying, acks held/);
  expect(await worker.stop()).toBe(0);
  await Promise.all([broker.stop(), influx.stop(), tmp.cleanup()]);
});
