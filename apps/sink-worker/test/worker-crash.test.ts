import { exampleReading } from '@wattbus/contract';
import { readStoredReadings, startApp, startInfluxd, startMosquitto, waitFor } from '@wattbus/testkit';
import mqtt from 'mqtt';
import { expect, it } from 'vitest';

it('a worker SIGKILLed with a batch in hand loses nothing: the broker redelivers, the store keeps each once', async () => {
  const [broker, influx] = await Promise.all([startMosquitto(), startInfluxd()]);
  const config = {
    mqtt: { url: broker.url },
    consumer: { id: 'crashing-worker' },
    // holds everything unwritten and unacked
    batch: { max_size: 10_000, max_delay_ms: 60_000, idle_ms: 60_000, write_when_drained: false },
    sinks: { influx: { url: influx.url, database: 'crash' } },
  };
  const first = await startApp('sink-worker', config);
  const pub = await mqtt.connectAsync(broker.url, { clientId: 'crash-publisher' });
  const base = exampleReading();
  for (let i = 0; i < 100; i++) {
    await pub.publishAsync(
      'wattbus/v1/house-12/main/reading',
      JSON.stringify({ ...base, seq: i + 1, ts: base.ts + i * 1000 }),
      { qos: 1 },
    );
  }
  await influx.createDatabase('crash');
  await new Promise((r) => setTimeout(r, 500)); // the worker has them in its batch by now
  await first.kill9();
  expect(await readStoredReadings(influx, 'crash')).toEqual([]); // nothing was written: killed mid-batch

  // A second crash after a partial write, then a normal worker: replays overwrite, nothing doubles.
  const second = await startApp('sink-worker', {
    ...config,
    batch: { max_size: 30, max_delay_ms: 60_000, idle_ms: 60_000, write_when_drained: false },
  });
  await waitFor(async () => (await readStoredReadings(influx, 'crash')).length >= 90, {
    what: 'three full batches written',
  });
  await second.kill9();
  const third = await startApp('sink-worker', { ...config, batch: { max_size: 50, max_delay_ms: 50 } });
  const rows = await waitFor(
    async () => {
      const r = await readStoredReadings(influx, 'crash');
      return r.length === 100 ? r : undefined;
    },
    { what: '100 readings stored' },
  );
  expect(rows.map((r) => r.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
  expect(await third.stop()).toBe(0);
  await pub.endAsync();
  await Promise.all([broker.stop(), influx.stop()]);
});
