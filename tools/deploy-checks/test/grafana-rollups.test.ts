import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type InfluxdHandle, rollupLines, startInfluxd } from '@wattbus/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEPLOY } from '../src/paths.js';

interface Target {
  refId: string;
  query: string;
}
interface Panel {
  title: string;
  targets?: Target[];
}
const dashboard = JSON.parse(readFileSync(resolve(DEPLOY, 'grafana/dashboards/wattbus-energy.json'), 'utf8')) as {
  panels: Panel[];
};
const DB = 'wattbus';
const DAY_MS = 86_400_000;
// Local midnights in Paris (UTC+1 in January): where the rollup engine starts each day.
const DAYS = [0, 1, 2].map((d) => Date.UTC(2026, 0, 11, 23) + d * DAY_MS);

/** A daily rollup of one channel, as the engine emits it (docs/energy.md). */
function day(site: string, channel: string, role: string, start: number, n: number) {
  return {
    v: 1,
    key: `${site}/main/${channel}/1d/${start}`,
    site,
    meter: 'main',
    channel,
    role,
    interval: '1d',
    start,
    end: start + DAY_MS,
    revision: 0,
    readings: 8640,
    coverage: n === 2 ? 0.5 : 1,
    estimated_ms: 0,
    resets: 0,
    energy_import_wh: 10_000 + 1000 * n,
    energy_export_wh: 2000,
    energy_source: { import: 'index', export: 'index' },
    periods: { HC: { import_wh: 4000, export_wh: 0 }, HP: { import_wh: 6000 + 1000 * n, export_wh: 2000 } },
    tariff: 'fr-hphc',
    power_w: { mean: 400 + n, min: 80, max: 6000 },
    voltage_v: { min: 221.5, max: 246.25 - n },
    cost: {
      currency: 'EUR',
      import: n === 1 ? null : 2.5 + n,
      export: 0.2,
      standing: role === 'grid' ? 0.45 : null,
      unknown: n === 1 ? 'no price in prices/import.csv for 2026-01-13T10:30:00.000Z' : null,
    },
  };
}

/** The dashboard's variables as Grafana fills them in for site house-1 over the three days. */
function substitute(query: string): string {
  return query
    .replaceAll('$timeFilter', `time >= ${DAYS[0]}ms AND time < ${(DAYS[2] as number) + DAY_MS}ms`)
    .replaceAll('$site', 'house-1')
    .replaceAll('$timezone', 'Europe/Paris')
    .replaceAll('$__interval', '1h');
}

/**
 * house-1's Eco-devices (HC/HP contract) every 6 hours, as the sink writes a reading: its rate indexes grow by
 * 1 kWh off-peak and 2 kWh peak per day; house-2's meter is never in house-1's panels.
 */
function rateReadings(): string[] {
  return Array.from({ length: 12 }, (_, i) => {
    const ts = (DAYS[0] as number) + i * 6 * 3_600_000;
    const [hc, hp] = [10_000 + 250 * i, 20_000 + 500 * i];
    return [
      `reading,channel=t1,meter=linky,role=grid,site=house-1 energy_import_wh=${hc + hp},energy_import_wh_hc=${hc},energy_import_wh_hp=${hp},seq=${i}i ${ts}`,
      `reading,channel=t1,meter=linky,role=grid,site=house-2 energy_import_wh_hc=${9 * hc},seq=${i}i ${ts}`,
    ];
  }).flat();
}

let influx: InfluxdHandle;
const results = new Map<string, { columns: string[]; values: unknown[][]; tags?: Record<string, string> }[]>();

beforeAll(async () => {
  influx = await startInfluxd();
  await influx.createDatabase(DB);
  const records = DAYS.flatMap((start, n) => [
    day('house-1', 'grid', 'grid', start, n),
    day('house-1', 'pv', 'production', start, n),
    day('house-2', 'grid', 'grid', start, n + 5), // another site: never in house-1's panels
  ]);
  const hours = Array.from({ length: 48 }, (_, h) => ({
    ...day('house-1', 'grid', 'grid', (DAYS[0] as number) + h * 3_600_000, 0),
    interval: '1h',
    energy_import_wh: 100 + h,
  }));
  const quarters = Array.from({ length: 8 }, (_, q) => ({
    ...day('house-1', 'grid', 'grid', (DAYS[0] as number) + q * 900_000, 0),
    interval: '15m',
    power_w: { mean: 100 * q, min: 10 * q, max: 1000 * q },
  }));
  await influx.write(DB, [...rollupLines([...records, ...hours, ...quarters]), ...rateReadings()], 'ms');
  for (const panel of dashboard.panels) {
    for (const t of panel.targets ?? []) {
      const [result] = await influx.query(substitute(t.query), DB, { epoch: 'ms' });
      expect(result?.error, `${panel.title} ${t.refId}`).toBeUndefined();
      results.set(
        `${panel.title} ${t.refId}`,
        (result?.series ?? []).map((s) => ({ ...s, values: s.values ?? [] })),
      );
    }
  }
});

afterAll(async () => {
  await influx?.stop();
});

const series = (key: string) => {
  const found = results.get(key);
  if (!found) throw new Error(`no panel target ${key} (have ${[...results.keys()].join(', ')})`);
  return found;
};

describe('the energy dashboard against rollups in a real influxd', () => {
  it('runs every query without error, and each finds house-1 data', () => {
    expect(results.size).toBe(dashboard.panels.flatMap((p) => p.targets ?? []).length);
    for (const [key, s] of results) expect(s.length, key).toBeGreaterThan(0);
  });

  it('energy per day by tariff period: one bar per local day and period, the grid channel of house-1 only', () => {
    const [s] = series('Grid energy per day by tariff period A');
    expect(s?.columns).toEqual(['time', 'sum_periods_HC_import_wh', 'sum_periods_HP_import_wh']);
    expect(s?.values).toEqual(DAYS.map((start, n) => [start, 4000, 6000 + 1000 * n]));
  });

  it('cost per day: import, standing and export credit; an unknown import cost stays a gap, not 0', () => {
    const [a] = series('Cost per day A');
    expect(a?.columns).toEqual(['time', 'import', 'standing']);
    expect(a?.values).toEqual([
      [DAYS[0], 2.5, 0.45],
      [DAYS[1], null, 0.45],
      [DAYS[2], 4.5, 0.45],
    ]);
    expect(series('Cost per day B')[0]?.values).toEqual(DAYS.map((start) => [start, -0.2]));
    expect(series('Days with unknown cost A')[0]?.values).toEqual([[DAYS[1], 1]]);
  });

  it('energy per day by channel, hourly energy and 15-minute power come per channel from their interval', () => {
    const byChannel = series('Energy per day by channel A');
    expect(byChannel.map((s) => s.tags?.channel).sort()).toEqual(['grid', 'pv']);
    expect(byChannel[0]?.values).toEqual(DAYS.map((start, n) => [start, 10 + n]));
    const hourly = series('Energy per hour A')[0];
    expect(hourly?.values).toHaveLength(48);
    expect(hourly?.values[47]).toEqual([(DAYS[0] as number) + 47 * 3_600_000, 0.147]);
    const [power] = series('Power (15-minute mean, min, max) A');
    expect(power?.values).toEqual([
      [DAYS[0], 150, 0, 3000],
      [(DAYS[0] as number) + 3_600_000, 550, 40, 7000],
    ]);
  });

  it("energy per day by the meter's own rate registers: each index's increase per local day", () => {
    const [s] = series("Energy per day by the meter's own tariff registers A");
    expect(s?.tags).toEqual({ meter: 'linky', channel: 't1' });
    expect(s?.columns).toEqual(['time', 'spread_energy_import_wh_hc', 'spread_energy_import_wh_hp']);
    // 4 readings a day: 3 steps of 250 Wh and 500 Wh inside each day
    expect(s?.values).toEqual(DAYS.map((start) => [start, 750, 1500]));
  });

  it('grid totals over the range', () => {
    expect(series('Grid import over the range A')[0]?.values.map((v) => v[1])).toEqual([10, 11, 12]);
    expect(series('Grid export over the range A')[0]?.values.map((v) => v[1])).toEqual([2, 2, 2]);
  });
});
