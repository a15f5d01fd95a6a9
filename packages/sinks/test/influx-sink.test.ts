import type { Reading } from '@wattbus/contract';
import { freePort, type InfluxdHandle, readStoredReadings, startInfluxd, waitFor } from '@wattbus/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InfluxV1Sink } from '../src/influx/v1-sink.js';
import { SinkError } from '../src/sink.js';
import { readInfluxRollups } from './influx-rollups.js';
import { rollup, sinkSuite } from './sink-suite.js';

let influx: InfluxdHandle;
let dbCount = 0;
beforeAll(async () => {
  influx = await startInfluxd();
});
afterAll(async () => {
  await influx?.stop();
});

const config = (database: string) => ({
  url: influx.url,
  database,
  create_database: true,
  timeout_ms: 5000,
  site_tags: ['city', 'postcode'],
});

sinkSuite('influx (/write on a real influxd 1.x)', async () => {
  const db = `suite_${++dbCount}`;
  return {
    sink: new InfluxV1Sink(config(db)),
    readBack: async () =>
      (await readStoredReadings(influx, db)).map(({ tags, ts, seq, values }) => {
        const { site, meter, channel, role, ...labels } = tags;
        const r = { v: 1, site, meter, channel, role, seq, ts, values } as Reading;
        if (Object.keys(labels).length > 0) r.labels = labels;
        return r;
      }),
    idempotent: true,
    readRollups: () => readInfluxRollups(influx, db),
    cleanup: async () => {
      await influx.query(`DROP DATABASE "${db}"`);
    },
  };
});

describe('influx sink against a real influxd', () => {
  it('round-trips tag values with commas, spaces, equals signs, quotes and backslashes', async () => {
    const sink = new InfluxV1Sink(config('escaping'));
    await sink.open();
    const tricky = 'Rue de la Loi, 16 = "Wetstraat" \\ né';
    const reading: Reading = {
      v: 1,
      site: 'house-1',
      meter: 'main',
      channel: 'grid',
      role: 'grid',
      seq: 7,
      ts: 1763800000123,
      values: { power_w: -0.5, voltage_v_l1: 231.25 },
      labels: { tariff: 'HC heures creuses', serial: 'a=b,c' },
    };
    await sink.write([reading]);
    const [row] = await readStoredReadings(influx, 'escaping');
    expect(row).toEqual({
      tags: {
        site: 'house-1',
        meter: 'main',
        channel: 'grid',
        role: 'grid',
        tariff: 'HC heures creuses',
        serial: 'a=b,c',
      },
      ts: 1763800000123,
      seq: 7,
      values: { power_w: -0.5, voltage_v_l1: 231.25 },
    });
    await sink.write([{ ...reading, site: 'house-2', labels: { street: tricky } }]);
    const rows = await readStoredReadings(influx, 'escaping');
    expect(rows.find((r) => r.tags.site === 'house-2')?.tags.street).toBe(tricky);
  });

  it("tags each point with the chosen tags of its site's info, as the site declares them", async () => {
    const info: Record<string, Record<string, string>> = {
      'house-1': { city: 'Bruxelles, Ixelles', postcode: '1050', street: 'not chosen', role: 'not a role' },
      'house-2': { city: 'Liège' },
    };
    const sink = new InfluxV1Sink(
      { ...config('site_tags'), site_tags: ['city', 'postcode', 'role'] },
      { siteTags: (site) => info[site] ?? {} },
    );
    await sink.open();
    await sink.write([
      { ...reading0, seq: 1 },
      { ...reading0, site: 'house-2', seq: 2 },
      { ...reading0, site: 'house-3', seq: 3 },
    ]);
    const rows = await readStoredReadings(influx, 'site_tags');
    const tagsOf = (site: string) => rows.find((r) => r.tags.site === site)?.tags;
    expect(tagsOf('house-1')).toEqual({
      site: 'house-1',
      meter: 'main',
      channel: 'grid',
      role: 'grid', // the reading's own tag wins
      city: 'Bruxelles, Ixelles',
      postcode: '1050',
    });
    expect(tagsOf('house-2')).toEqual({ site: 'house-2', meter: 'main', channel: 'grid', role: 'grid', city: 'Liège' });
    expect(tagsOf('house-3')).toEqual({ site: 'house-3', meter: 'main', channel: 'grid', role: 'grid' });
    expect(rows).toHaveLength(3);
  });

  it('a corrected rollup keeps no field of the older revision that it does not have', async () => {
    const sink = new InfluxV1Sink(config('corrected'));
    await sink.open();
    // Revision 0 inside a gap: energy unknown, and why. Revision 1 after a backfill: known, no reason.
    const before = rollup(0, 0, null);
    before.cost.unknown = 'energy unknown';
    // The worker retries a 404 (an influxd just after CREATE DATABASE once answered "database not found" under a
    // loaded CI run); this test writes directly, so its first write waits for the database the same way.
    await waitFor(() => sink.writeRollups([before, rollup(1, 0, 50)]).then(() => true), {
      what: 'the first rollups written',
    });
    await sink.writeRollups([rollup(0, 1, 150)]);
    const [result] = await influx.query(
      'SELECT "revision", "energy_import_wh", "cost_unknown", "periods_HP_import_wh" FROM "rollup" GROUP BY "interval"',
      'corrected',
      { epoch: 'ms' },
    );
    const t0 = Date.UTC(2026, 0, 13, 9);
    expect(result?.series?.[0]?.values).toEqual([
      [t0, 1, 150, null, 150],
      [t0 + 900_000, 0, 50, null, 50],
    ]);
  });

  it('reports an unreachable server as a transient SinkError', async () => {
    const port = await freePort();
    const sink = new InfluxV1Sink({
      url: `http://127.0.0.1:${port}`,
      database: 'x',
      create_database: false,
      timeout_ms: 2000,
      site_tags: [],
    });
    const error = await sink.write([{ ...reading0 }]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SinkError);
    expect(error).toMatchObject({ permanent: false, sink: 'influx' });
    expect((error as Error).message).toBe(`sink influx: cannot reach http://127.0.0.1:${port}: ECONNREFUSED`);
  });

  it('reports data influxd refuses (HTTP 400) as a permanent SinkError', async () => {
    const sink = new InfluxV1Sink(config('conflict'));
    await sink.open();
    // A field first written as a string makes the float write conflict: influxd answers 400.
    await influx.write('conflict', 'reading,site=s,meter=m,channel=c,role=grid power_w="text" 1763800000000', 'ms');
    const error = await sink.write([{ ...reading0, site: 's', meter: 'm', channel: 'c' }]).catch((e: unknown) => e);
    expect(error).toMatchObject({ permanent: true });
    expect((error as Error).message).toMatch(/HTTP 400 .*field type conflict/);
  });
});

const reading0: Reading = {
  v: 1,
  site: 'house-1',
  meter: 'main',
  channel: 'grid',
  role: 'grid',
  seq: 1,
  ts: 1763800000000,
  values: { power_w: 1 },
};
