import { join } from 'node:path';
import { toLines } from '@wattbus/sinks';
import {
  type AedesHandle,
  freePort,
  type InfluxdHandle,
  type ProcessHandle,
  REPO_ROOT,
  rollupLines,
  startAedes,
  startApp,
  startInfluxd,
} from '@wattbus/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EnergyCostRow } from '../src/energy-cost.js';
import { localDate, startOfLocalDay } from '../src/local-day.js';
import { dayRollup, reading } from './helpers.js';

/**
 * /api/energy-cost against a real influxd holding daily rollups (the `rollup` measurement) for house-12 and
 * house-14 and only raw readings for house-13; dash-martin may see house-12 and house-13 (deployed ACL).
 */

const TZ = 'Europe/Brussels';
const MIN = 60_000;
const now = Date.now();
/** Local midnights of yesterday and the day before. */
const [day1, day2] = [startOfLocalDay(now, TZ, 1), startOfLocalDay(now, TZ, 2)] as [number, number];
let broker: AedesHandle;
let influxd: InfluxdHandle;
let portal: ProcessHandle;
let base: string;
let cookie: string;

function seedRollups(): string[] {
  return rollupLines([
    dayRollup(
      'house-12',
      'grid',
      'grid',
      day1,
      { import_wh: 8000, export_wh: 3000 },
      { import: 2, export: 0.3, standing: 0.45 },
    ),
    dayRollup('house-12', 'house', 'consumption', day1, { import_wh: 9000, export_wh: 0 }),
    dayRollup(
      'house-12',
      'grid',
      'grid',
      day2,
      { import_wh: 6000, export_wh: 0 },
      { import: null, export: 0, standing: 0.45 },
    ),
    dayRollup(
      'house-14',
      'grid',
      'grid',
      day1,
      { import_wh: 99_000, export_wh: 0 },
      { import: 50, export: 0, standing: 0.45 },
    ),
  ] as unknown as Record<string, unknown>[]);
}

/**
 * house-13 has no rollups: an hour at 500 W yesterday noon, from its readings. house-12's readings of the same
 * hour (1 kW) are there too: its rollups, not these, must count.
 */
function seedReadings(): string {
  const noon = day1 + 12 * 3_600_000;
  return toLines(
    Array.from({ length: 61 }, (_, i) => [
      reading('house-13', 'main', 'house', 'consumption', 500, noon + i * MIN, i),
      reading('house-12', 'main', 'house', 'consumption', 1000, noon + i * MIN, i),
    ]).flat(),
  );
}

beforeAll(async () => {
  broker = await startAedes({
    authenticate: (_client, username, password, done) => {
      const ok = username === 'dash-martin' && password?.toString() === 'right';
      done(ok ? null : Object.assign(new Error('bad'), { returnCode: 4 }), ok);
    },
  });
  influxd = await startInfluxd();
  await influxd.createDatabase('wattbus');
  await influxd.write('wattbus', [...seedRollups(), seedReadings()], 'ms');
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  portal = await startApp('portal', {
    listen: { host: '127.0.0.1', port },
    broker: { url: broker.url, ws_url: 'ws://127.0.0.1:1/mqtt' },
    acl_file: join(REPO_ROOT, 'deploy/mosquitto/acl'),
    influx: { url: influxd.url, database: 'wattbus' },
    timezone: TZ,
    groups: [
      { id: 'tilleuls', caption: 'Rue des Tilleuls', sites: ['house-12', 'house-13'] },
      { id: 'coop', caption: 'Cooperative', sites: ['house-12', 'house-14'] },
      { id: 'lena', caption: "Lena's house", sites: ['house-14'] },
    ],
    session: { secure_cookie: false },
  });
  const res = await fetch(`${base}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'dash-martin', password: 'right' }),
  });
  expect(res.status).toBe(200);
  cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] as string;
}, 60_000);

afterAll(async () => {
  await portal?.stop();
  await broker?.stop();
  await influxd?.stop();
});

type Answer = { sites: string[]; currency: string | null; rows: EnergyCostRow[]; error?: string };
async function get(query: string, withCookie = true): Promise<{ status: number; body: Answer }> {
  const res = await fetch(`${base}/api/energy-cost?${query}`, { headers: withCookie ? { cookie } : {} });
  return { status: res.status, body: (await res.json()) as Answer };
}

describe('energy and cost per day', () => {
  it("of a site, from its daily rollups: the grid's energy and bill; an unknown cost stays unknown", async () => {
    const { status, body } = await get('site=house-12&by=day&count=7');
    expect(status).toBe(200);
    expect(body.currency).toBe('EUR');
    expect(body.rows.map((r) => [r.period, r.start, r.source])).toEqual([
      [localDate(day2, TZ), day2, 'rollup'],
      [localDate(day1, TZ), day1, 'rollup'],
    ]);
    const [before, yesterday] = body.rows;
    expect(yesterday?.roles).toEqual({
      grid: { import_wh: 8000, export_wh: 3000 },
      consumption: { import_wh: 9000, export_wh: 0 },
    });
    expect(yesterday?.cost).toEqual({ import: 2, export: 0.3, standing: 0.45, total: 2.15 });
    expect(yesterday?.cost_complete).toBe(true);
    expect(before?.cost).toEqual({ import: null, export: null, standing: null, total: null });
    expect(before?.cost_complete).toBe(false);
  });

  it('of a site without rollups, from its readings: energy only, cost unknown', async () => {
    const { body } = await get('site=house-13');
    expect(body.rows).toHaveLength(1);
    expect(body.rows[0]?.source).toBe('readings');
    expect(body.rows[0]?.roles.consumption?.import_wh).toBeCloseTo(500, 6);
    expect(body.rows[0]?.cost_complete).toBe(false);
  });

  it('of a group: its sites added up, rollups where there are, readings elsewhere', async () => {
    const { body } = await get('group=tilleuls');
    expect(body.sites).toEqual(['house-12', 'house-13']);
    const yesterday = body.rows.find((r) => r.start === day1);
    expect(yesterday?.source).toBe('mixed');
    expect(yesterday?.roles.consumption?.import_wh).toBeCloseTo(9500, 6);
    expect(yesterday?.roles.grid).toEqual({ import_wh: 8000, export_wh: 3000 });
    expect(yesterday?.cost.total).toBeNull(); // house-13's day has no price
  });

  it("of a group across households: only the user's own sites, never the other household's", async () => {
    const coop = await get('group=coop');
    expect(coop.body.sites).toEqual(['house-12']);
    expect(coop.body.rows).toEqual((await get('site=house-12')).body.rows);
    expect(JSON.stringify(coop.body)).not.toContain('99000');
  });
});

describe('energy and cost per month', () => {
  it('adds up the days of each local month', async () => {
    const days = (await get('site=house-12&by=day&count=7')).body.rows;
    const { body } = await get('site=house-12&by=month&count=2');
    expect(body.rows.map((r) => r.period)).toEqual([...new Set(days.map((d) => d.period.slice(0, 7)))]);
    const total = (rows: EnergyCostRow[]) => rows.reduce((sum, r) => sum + (r.roles.grid?.import_wh ?? 0), 0);
    expect(total(body.rows)).toBe(14_000);
    expect(total(body.rows)).toBe(total(days));
  });
});

describe('rights and input', () => {
  it.each([
    ['site=house-14', 403, 'no access to this site'],
    ['group=lena', 403, 'no access to this group'],
    ['group=nobody', 403, 'no access to this group'],
    ['site=house-12&group=tilleuls', 400, 'expected either site or group'],
    ['by=day', 400, 'expected either site or group'],
    ['site=house-12&by=week', 400, 'by: expected day or month'],
    ['site=house-12&by=month&count=13', 400, 'count: expected an integer from 1 to 12'],
    ['site=house-12&count=91', 400, 'count: expected an integer from 1 to 90'],
    ['site=../x', 400, 'site: expected a site id'],
  ])('%s → %i', async (query, status, error) => {
    const answer = await get(query);
    expect(answer.status).toBe(status);
    expect(answer.body.error).toBe(error);
  });

  it('needs a session', async () => {
    expect((await get('site=house-12', false)).status).toBe(401);
  });
});
