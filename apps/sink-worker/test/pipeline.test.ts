import type { Reading } from '@wattbus/contract';
import {
  TEST_BROKERS as BROKERS,
  type InfluxdHandle,
  readStoredReadings,
  startApp,
  startInfluxd,
  type TestBroker,
  tempDir,
  waitFor,
} from '@wattbus/testkit';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const key = (r: { site: string; meter: string; channel: string; ts: number }) =>
  `${r.site}/${r.meter}/${r.channel}@${r.ts}`;

describe.each(Object.keys(BROKERS) as Array<keyof typeof BROKERS>)(
  'edge-agent → %s → sink-worker → influxd',
  (name) => {
    let influx: InfluxdHandle;
    let broker: TestBroker;
    const db = 'wattbus_e2e';

    beforeAll(async () => {
      [influx, broker] = await Promise.all([startInfluxd(), BROKERS[name]()]);
    });
    afterAll(async () => {
      await Promise.all([influx?.stop(), broker?.stop()]);
    });

    it('stores every published reading exactly once, with its values and timestamp', async () => {
      const data = await tempDir('wattbus-e2e-');
      const worker = await startApp('sink-worker', {
        mqtt: { url: broker.url },
        consumer: { id: `e2e-${name}` },
        batch: { max_size: 50, max_delay_ms: 100 },
        // site info tags have their own test (site-tags.test.ts): the rows here carry the reading's tags only
        sinks: { influx: { url: influx.url, database: db, site_tags: [] }, file: { dir: `${data.path}/files` } },
      });

      // An independent observer sees what the agent really published.
      const observer = await mqtt.connectAsync(broker.url, { clientId: `observer-${name}` });
      const published = new Map<string, Reading>();
      observer.on('message', (_topic, payload) => {
        const r = JSON.parse(payload.toString()) as Reading;
        published.set(key(r), r);
      });
      await observer.subscribeAsync('wattbus/v1/+/+/reading', { qos: 1 });

      const agent = await startApp('edge-agent', {
        site: { id: 'house-7', name: 'House 7', tags: { city: 'Liège' } },
        mqtt: { url: broker.url },
        state_dir: `${data.path}/state`,
        meters: [
          { id: 'main', driver: 'simulated', interval_ms: 200, config: { seed: 7, pv_kwp: 5 } },
          {
            id: 'heat-pump',
            driver: 'simulated',
            interval_ms: 300,
            config: { seed: 8 },
            channels: [{ id: 'consumption', role: 'consumption' }],
          },
        ],
      });
      await waitFor(() => published.size >= 60, { what: '60 readings published', timeoutMs: 30_000 });
      expect(await agent.stop('SIGTERM')).toBe(0); // a clean stop waits for the broker's acks

      const expected = [...published.values()];
      const stored = await waitFor(
        async () => {
          const rows = await readStoredReadings(influx, db).catch(() => []);
          return rows.length >= expected.length ? rows : undefined;
        },
        { what: `${expected.length} rows in InfluxDB`, timeoutMs: 30_000 },
      );
      expect(await worker.stop('SIGTERM')).toBe(0);
      await observer.endAsync();

      // Exactly once: as many rows as distinct readings, and every reading's row holds its values.
      expect(stored).toHaveLength(expected.length);
      const byKey = new Map(
        stored.map((s) => [key({ ...(s.tags as { site: string; meter: string; channel: string }), ts: s.ts }), s]),
      );
      expect(byKey.size).toBe(expected.length);
      for (const r of expected) {
        const row = byKey.get(key(r));
        expect(row, key(r)).toBeDefined();
        expect(row?.tags).toEqual({ site: r.site, meter: r.meter, channel: r.channel, role: r.role });
        expect(row?.seq).toBe(r.seq);
        expect(row?.values).toEqual(r.values);
      }

      // seq runs 1, 2, 3… without gaps per channel, and both meters with all their channels arrived.
      const seqs = new Map<string, number[]>();
      for (const r of expected)
        seqs.set(`${r.meter}/${r.channel}`, [...(seqs.get(`${r.meter}/${r.channel}`) ?? []), r.seq]);
      expect([...seqs.keys()].sort()).toEqual([
        'heat-pump/consumption',
        'main/consumption',
        'main/grid',
        'main/production',
      ]);
      for (const list of seqs.values()) {
        list.sort((a, b) => a - b);
        expect(list).toEqual(list.map((_, i) => i + 1));
      }
      await data.cleanup();
    });
  },
);
