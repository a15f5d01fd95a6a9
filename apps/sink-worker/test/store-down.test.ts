import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exampleReading } from '@wattbus/contract';
import { readStoredReadings, startApp, startInfluxd, startMosquitto, tempDir, waitFor } from '@wattbus/testkit';
import mqtt from 'mqtt';
import { expect, it } from 'vitest';

async function lines(dir: string): Promise<number> {
  const files = await readdir(dir).catch(() => []);
  let n = 0;
  for (const f of files) n += (await readFile(join(dir, f), 'utf8')).split('\n').filter(Boolean).length;
  return n;
}

it('subscribes while InfluxDB is down, writes the other sinks, and fills InfluxDB once it is back', async () => {
  const [broker, influx, data] = await Promise.all([startMosquitto(), startInfluxd(), tempDir('wattbus-down-')]);
  await influx.kill9();
  const worker = await startApp('sink-worker', {
    mqtt: { url: broker.url },
    consumer: { id: 'store-down' },
    batch: { max_size: 20, max_delay_ms: 50 },
    retry: { min_ms: 50, max_ms: 300 },
    sinks: { influx: { url: influx.url, database: 'down', timeout_ms: 1000 }, file: { dir: data.path } },
  });
  const pub = await mqtt.connectAsync(broker.url, { clientId: 'down-publisher' });
  for (let i = 0; i < 50; i++) {
    const r = { ...exampleReading(), seq: i + 1, ts: exampleReading().ts + i * 1000 };
    await pub.publishAsync('wattbus/v1/house-12/main/reading', JSON.stringify(r), { qos: 1 });
  }
  await waitFor(async () => (await lines(data.path)) === 50, { what: '50 readings in the file sink' });
  await waitFor(() => /sink write failed; retrying/.test(worker.output()), { what: 'a logged retry' });

  await influx.restart();
  const rows = await waitFor(
    async () => {
      const r = await readStoredReadings(influx, 'down').catch(() => []);
      return r.length >= 50 ? r : undefined;
    },
    { what: '50 rows in InfluxDB after it came back', timeoutMs: 30_000 },
  );
  expect(rows.map((r) => r.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  // Only the failed sink was retried: the file holds each reading once.
  expect(await lines(data.path)).toBe(50);
  expect(await worker.stop()).toBe(0);
  await pub.endAsync();
  await Promise.all([broker.stop(), influx.stop(), data.cleanup()]);
});
