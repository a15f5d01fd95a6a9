import { exampleReading, topics } from '@wattbus/contract';
import { readStoredReadings, startAedes, startApp, startInfluxd, waitFor } from '@wattbus/testkit';
import mqtt from 'mqtt';
import { expect, it } from 'vitest';

it("writes each site's info tags (city, postcode) on its points, from the first reading a session held", async () => {
  const [influx, broker] = await Promise.all([startInfluxd(), startAedes()]);
  const db = 'site_tags';
  const config = {
    mqtt: { url: broker.url },
    consumer: { id: 'tagger' },
    sinks: { influx: { url: influx.url, database: db } }, // site_tags: the default city and postcode
  };
  try {
    // The worker's persistent session exists, then the worker is away while infos and readings come in.
    expect(await (await startApp('sink-worker', config)).stop('SIGTERM')).toBe(0);
    const agent = await mqtt.connectAsync(broker.url, { clientId: 'agents' });
    const info = (site: string, tags: Record<string, string>) => ({
      v: 1,
      site,
      ts: Date.now(),
      name: site,
      tags,
      meters: [{ id: 'main', driver: 'simulated', interval_ms: 1000, channels: [{ id: 'grid', role: 'grid' }] }],
    });
    await agent.publishAsync(
      topics.info('house-1'),
      JSON.stringify(info('house-1', { city: 'Liège', postcode: '4000', street: 'Rue Haute' })),
      { qos: 1, retain: true },
    );
    await agent.publishAsync(topics.info('house-2'), JSON.stringify(info('house-2', { postcode: '9000' })), {
      qos: 1,
      retain: true,
    });
    const { labels: _labels, ...base } = exampleReading();
    const sites = ['house-1', 'house-2', 'house-3'];
    for (let i = 0; i < 30; i++) {
      const site = sites[i % 3] as string;
      const reading = { ...base, site, meter: 'main', channel: 'grid', seq: i + 1, ts: base.ts + i * 1000 };
      await agent.publishAsync(topics.reading(site, 'main'), JSON.stringify(reading), { qos: 1 });
    }
    await agent.endAsync();

    const worker = await startApp('sink-worker', config);
    const rows = await waitFor(
      async () => {
        const stored = await readStoredReadings(influx, db).catch(() => []);
        return stored.length >= 30 ? stored : undefined;
      },
      { what: '30 rows in InfluxDB', timeoutMs: 30_000 },
    );
    expect(worker.output()).toMatch(/"sites":2,"msg":"site infos loaded"/);
    expect(await worker.stop('SIGTERM')).toBe(0);

    expect(rows).toHaveLength(30);
    const extraTags = (site: string) =>
      new Set(
        rows
          .filter((r) => r.tags.site === site)
          .map(({ tags: { site: _s, meter: _m, channel: _c, role: _r, ...rest } }) => JSON.stringify(rest)),
      );
    // every point of a site carries the same tags: one series per channel, not one before and one after the info
    expect(extraTags('house-1')).toEqual(new Set([JSON.stringify({ city: 'Liège', postcode: '4000' })]));
    expect(extraTags('house-2')).toEqual(new Set([JSON.stringify({ postcode: '9000' })]));
    expect(extraTags('house-3')).toEqual(new Set([JSON.stringify({})]));
  } finally {
    await Promise.all([influx.stop(), broker.stop()]);
  }
}, 90_000);
