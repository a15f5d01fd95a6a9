import { toLines } from '@wattbus/sinks';
import { type InfluxdHandle, startInfluxd } from '@wattbus/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reading } from '../test/helpers.js';
import { InfluxClient } from './influx-client.js';

let influxd: InfluxdHandle;
let client: InfluxClient;
const T = Date.UTC(2026, 10, 23, 10);

beforeAll(async () => {
  influxd = await startInfluxd();
  await influxd.createDatabase('wattbus');
  // house-12 added a second consumption meter (garage) at T + 1 min; house-13's meters report absurd values.
  await influxd.write(
    'wattbus',
    toLines([
      reading('house-12', 'main', 'house', 'consumption', 1000, T, 1),
      reading('house-12', 'main', 'house', 'consumption', 1100, T + 60_000, 2),
      reading('house-12', 'garage', 'ev', 'consumption', 7000, T + 60_000, 1),
      reading('house-12', 'pv', 'pv', 'production', -500, T, 1),
      reading('house-13', 'main', 'house', 'consumption', 1e308, T, 1),
      reading('house-13', 'garage', 'ev', 'consumption', 1e308, T, 1),
    ]),
    'ms',
  );
  client = new InfluxClient({ url: influxd.url, database: 'wattbus', timeout_ms: 10_000 });
}, 60_000);

afterAll(async () => {
  await influxd?.stop();
});

describe('InfluxClient.seriesByRole against a real influxd', () => {
  it('adds up series that share a role point by point: one never replaces another', async () => {
    const [series] = await client.seriesByRole(
      `SELECT max("power_w") FROM "reading" WHERE "site" = 'house-12' GROUP BY time(1m), "role", "meter" fill(none)`,
    );
    expect(series).toEqual({
      consumption: [
        [T, 1000],
        [T + 60_000, 8100],
      ],
      production: [[T, -500]],
    });
  });

  it('leaves out a point whose sum is not a finite number, keeps the rest, answers every statement', async () => {
    const [absurd, counts] = await client.seriesByRole(
      `SELECT max("power_w") FROM "reading" WHERE "site" = 'house-13' GROUP BY "role", "meter"`,
      `SELECT count("power_w") FROM "reading" GROUP BY "role"`,
    );
    expect(absurd).toEqual({ consumption: [] });
    expect(counts).toEqual({ consumption: [[0, 5]], production: [[0, 1]] });
  });
});
