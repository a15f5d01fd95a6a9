import { type DeadLetter, exampleReading, type Reading } from '@wattbus/contract';
import { readStoredReadings, startApp, startInfluxd, startMosquitto, waitFor } from '@wattbus/testkit';
import mqtt from 'mqtt';
import { expect, it } from 'vitest';

/**
 * One household's readings that InfluxDB refuses must not take the other households' readings of the same batch
 * to the dead-letter topic with them (it did: a 400 "partial write" dead-lettered the whole batch, though InfluxDB
 * had stored the rest).
 */
it('dead-letters only the readings InfluxDB refuses; the rest of their batch is stored and nothing else dead-lettered', async () => {
  const [broker, influx] = await Promise.all([startMosquitto(), startInfluxd()]);
  await influx.createDatabase('refusals');
  // Someone wrote this field by hand as a string: from now on a float of it is a field type conflict.
  await influx.write('refusals', `reading,site=manual reactive_power_var="n/a" ${exampleReading().ts}`, 'ms');
  const consumer = 'refusals-worker';
  const worker = await startApp('sink-worker', {
    mqtt: { url: broker.url },
    consumer: { id: consumer },
    batch: { max_size: 1000, max_delay_ms: 500, idle_ms: 400 }, // everything in one or two batches
    sinks: { influx: { url: influx.url, database: 'refusals', site_tags: [] } },
  });
  const client = await mqtt.connectAsync(broker.url, { clientId: 'refusals-publisher' });
  const letters: DeadLetter[] = [];
  client.on('message', (_t, p) => letters.push(JSON.parse(p.toString()) as DeadLetter));
  await client.subscribeAsync(`wattbus/v1/dlq/${consumer}`, { qos: 1 });

  const base = exampleReading();
  const good = (site: string, i: number): Reading => ({
    ...base,
    site,
    seq: i,
    ts: base.ts + i * 1000,
    labels: {},
  });
  const hostile: Array<{ reading: Reading; refused?: RegExp }> = [
    { reading: { ...good('evil', 1), labels: { time: 'x' } }, refused: /^sink influx: label "time" is reserved/ },
    { reading: { ...good('evil', 2), values: { reactive_power_var: 5 } }, refused: /field type conflict/ },
    { reading: { ...good('evil', 3), labels: { note: '\\\\' } } }, // stored, without the label line protocol cannot carry
  ];
  const published: Reading[] = [];
  for (let i = 1; i <= 100; i++) {
    published.push(good(i % 2 ? 'house-12' : 'house-13', i));
    const h = hostile[i % 30 === 0 ? i / 30 - 1 : -1];
    if (h) published.push(h.reading);
  }
  for (const r of published) {
    await client.publishAsync(`wattbus/v1/${r.site}/${r.meter}/reading`, JSON.stringify(r), { qos: 1 });
  }
  const stored = await waitFor(
    async () => {
      const rows = (await readStoredReadings(influx, 'refusals')).filter((r) => r.tags.site !== 'manual');
      return rows.length >= 101 && letters.length >= 2 ? rows : undefined;
    },
    { what: `101 readings stored and 2 dead letters`, timeoutMs: 15_000 },
  );
  await new Promise((r) => setTimeout(r, 500)); // nothing more comes
  expect(stored.map((r) => `${r.tags.site}/${r.seq}`).sort()).toEqual(
    [...published.filter((r) => r.site !== 'evil' || r.seq === 3).map((r) => `${r.site}/${r.seq}`)].sort(),
  );
  expect(stored.find((r) => r.tags.site === 'evil')?.tags).not.toHaveProperty('note');
  expect(letters.map((l) => JSON.parse(l.payload).seq)).toEqual([1, 2]);
  expect(letters[0]?.reason).toMatch(hostile[0]?.refused as RegExp);
  expect(letters[1]?.reason).toMatch(hostile[1]?.refused as RegExp);
  expect(letters.every((l) => l.topic === 'wattbus/v1/evil/main/reading')).toBe(true);
  expect(await worker.stop()).toBe(0);
  await client.endAsync();
  await Promise.all([broker.stop(), influx.stop()]);
});
