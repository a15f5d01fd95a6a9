import { join } from 'node:path';
import { toLines } from '@wattbus/sinks';
import {
  type AedesHandle,
  freePort,
  type InfluxdHandle,
  type ProcessHandle,
  REPO_ROOT,
  startAedes,
  startApp,
  startInfluxd,
} from '@wattbus/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reading } from './helpers.js';

/**
 * /api/history and /api/energy on awkward data in a real influxd: a role measured by two meters (one added
 * later), and readings with absurd values such as 1e308, which InfluxDB itself cannot add up.
 */

const DAY = 86_400_000;
const HOUR = 3_600_000;
const MIN = 60_000;
/** 00:00 UTC yesterday. */
const yesterday = Math.floor(Date.now() / DAY) * DAY - DAY;
let broker: AedesHandle;
let influxd: InfluxdHandle;
let portal: ProcessHandle;
let base: string;
let cookie: string;

function seed(): string {
  const rows = [];
  // house-12: the main meter for an hour yesterday at 1 kW; a garage meter added half-way, at 2 kW.
  for (let i = 0; i <= 60; i++) {
    const ts = yesterday + 10 * HOUR + i * MIN;
    rows.push(reading('house-12', 'main', 'house', 'consumption', 1000, ts, i));
    if (i >= 30) rows.push(reading('house-12', 'garage', 'ev', 'consumption', 2000, ts, i));
  }
  // house-13, within the last hours: 500 W, and a glitching meter sending ±1e308 three times.
  const start = Math.floor(Date.now() / HOUR) * HOUR - 3 * HOUR;
  for (let i = 0; i <= 60; i++) rows.push(reading('house-13', 'main', 'house', 'consumption', 500, start + i * MIN, i));
  rows.push(
    reading('house-13', 'garage', 'ev', 'consumption', 1e308, start + 10 * MIN, 1),
    reading('house-13', 'garage', 'ev', 'consumption', 1e308, start + 11 * MIN, 2),
    reading('house-13', 'pv', 'pv', 'production', -1e308, start + 12 * MIN, 1),
  );
  return toLines(rows);
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
  await influxd.write('wattbus', seed(), 'ms');
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  portal = await startApp('portal', {
    listen: { host: '127.0.0.1', port },
    broker: { url: broker.url, ws_url: 'ws://127.0.0.1:1/mqtt' },
    acl_file: join(REPO_ROOT, 'deploy/mosquitto/acl'),
    influx: { url: influxd.url, database: 'wattbus' },
    groups: [{ id: 'tilleuls', caption: 'Rue des Tilleuls', sites: ['house-12', 'house-13'] }],
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

async function api<T>(path: string): Promise<{ status: number; body: T }> {
  const res = await fetch(`${base}${path}`, { headers: { cookie } });
  return { status: res.status, body: (await res.json()) as T };
}

type Energy = { days: Array<{ day: string; consumption?: number }>; left_out: Record<string, number> };
type History = { series: Record<string, Array<[number, number]>>; left_out: Record<string, number> };

describe('two meters of one role', () => {
  it('add up in energy per day: 1 h at 1 kW plus 30 min at 2 kW is 2 kWh', async () => {
    const { status, body } = await api<Energy>('/api/energy?site=house-12&days=7');
    expect(status).toBe(200);
    expect(body.days).toHaveLength(1);
    expect(body.days[0]?.consumption).toBeCloseTo(2000, 6);
    expect(body.left_out).toEqual({});
  });

  it('add up in the power history: 1 kW alone, then 3 kW together', async () => {
    const { body } = await api<History>('/api/history?site=house-12&range=7d');
    const bucket = (ms: number) => body.series.consumption?.find(([t]) => t === yesterday + ms)?.[1];
    expect(bucket(10 * HOUR)).toBe(1000);
    expect(bucket(10 * HOUR + 30 * MIN)).toBe(3000);
  });
});

describe('absurd values (±1e308, whose sum InfluxDB cannot even send)', () => {
  it('are left out of the history, counted per role, and the rest is answered (not 502)', async () => {
    const { status, body } = await api<History>('/api/history?site=house-13&range=24h');
    expect(status).toBe(200);
    expect(body.left_out).toEqual({ consumption: 2, production: 1 });
    expect(body.series.production).toBeUndefined();
    const values = body.series.consumption?.map(([, w]) => w) ?? [];
    expect(values.length).toBeGreaterThan(10);
    expect(values.every((w) => w === 500)).toBe(true);
  });

  it('are left out of energy per day likewise', async () => {
    const { status, body } = await api<Energy>('/api/energy?site=house-13&days=2');
    expect(status).toBe(200);
    expect(body.left_out).toEqual({ consumption: 2, production: 1 });
    const total = body.days.reduce((sum, d) => sum + (d.consumption ?? 0), 0);
    expect(total).toBeCloseTo(500, 6); // one hour at 500 W, whichever days it falls on
  });
});
