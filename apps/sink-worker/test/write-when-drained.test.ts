import { exampleReading } from '@wattbus/contract';
import { readStoredReadings, startApp, startInfluxd, startMosquitto, waitFor } from '@wattbus/testkit';
import mqtt from 'mqtt';
import { expect, it } from 'vitest';

/**
 * mosquitto sends a subscriber 20 unacked messages at a time (its default max_inflight_messages). With every deadline
 * a minute away, only writing each window as soon as it is drained can store 100 readings within waitFor's 15 s:
 * the next window comes only once the worker has written and acked the previous one.
 */
it('writes and acks each window of the broker as soon as it is drained, not at the idle or age deadline', async () => {
  const [broker, influx] = await Promise.all([startMosquitto(), startInfluxd()]);
  await influx.createDatabase('drained');
  const worker = await startApp('sink-worker', {
    mqtt: { url: broker.url },
    consumer: { id: 'drained-worker' },
    batch: { max_size: 10_000, max_delay_ms: 60_000, idle_ms: 60_000 },
    sinks: { influx: { url: influx.url, database: 'drained', site_tags: [] } },
  });
  const pub = await mqtt.connectAsync(broker.url, { clientId: 'drained-publisher' });
  const base = exampleReading();
  for (let i = 1; i <= 100; i++) {
    await pub.publishAsync(
      'wattbus/v1/house-12/main/reading',
      JSON.stringify({ ...base, seq: i, ts: base.ts + i * 1000 }),
      { qos: 1 },
    );
  }
  const rows = await waitFor(
    async () => {
      const r = await readStoredReadings(influx, 'drained');
      return r.length === 100 ? r : undefined;
    },
    { what: '100 readings stored' },
  );
  expect(rows.map((r) => r.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
  expect(await worker.stop()).toBe(0);
  await pub.endAsync();
  await Promise.all([broker.stop(), influx.stop()]);
});
