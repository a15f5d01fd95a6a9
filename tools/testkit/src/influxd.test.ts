import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InfluxdHandle, startInfluxd } from './influxd.js';

let influx: InfluxdHandle;
beforeAll(async () => {
  influx = await startInfluxd();
});
afterAll(async () => {
  await influx?.stop();
});

describe('startInfluxd', () => {
  it('answers /ping with 204 and is an InfluxDB 1.x', async () => {
    expect(influx.url).toBe(`http://127.0.0.1:${influx.port}`);
    const res = await fetch(`${influx.url}/ping`);
    expect(res.status).toBe(204);
    expect(res.headers.get('x-influxdb-version')).toMatch(/^1\./);
  });

  it('creates a database, accepts a point via /write and returns it via query()', async () => {
    await influx.createDatabase('x');
    const shown = await influx.query('SHOW DATABASES');
    expect(shown[0]?.series?.[0]?.values).toContainEqual(['x']);

    const ts = 1_700_000_000_123;
    const res = await fetch(`${influx.url}/write?db=x&precision=ms`, {
      method: 'POST',
      body: `power,meter=m1 watts=1234.5,kwh=42i ${ts}`,
    });
    expect(res.status).toBe(204);

    const results = await influx.query('SELECT watts, kwh, meter FROM power', 'x', { epoch: 'ms' });
    expect(results[0]?.series).toEqual([
      { name: 'power', columns: ['time', 'watts', 'kwh', 'meter'], values: [[ts, 1234.5, 42, 'm1']] },
    ]);
  });

  it('write() helper and RFC3339 timestamps', async () => {
    await influx.createDatabase('y');
    await influx.write('y', ['t v=1 1700000000000', 't v=2 1700000001000']);
    const results = await influx.query('SELECT sum(v) FROM t', 'y');
    expect(results[0]?.series?.[0]?.values).toEqual([['1970-01-01T00:00:00Z', 3]]);
    const raw = await influx.query('SELECT v FROM t', 'y');
    expect(raw[0]?.series?.[0]?.values?.[1]).toEqual(['2023-11-14T22:13:21Z', 2]);
  });

  it('throws on query errors', async () => {
    await expect(influx.query('SELECT * FROM nope', 'no_such_db')).rejects.toThrow(/database not found: no_such_db/);
    await expect(influx.query('SELEC broken')).rejects.toThrow(/HTTP 400 .*error parsing query/);
  });

  it('keeps data across restart()', async () => {
    await influx.createDatabase('z');
    await influx.write('z', 'r v=7 1700000000000');
    const before = influx.process().proc.pid;
    await influx.restart();
    expect(influx.process().proc.pid).not.toBe(before);
    const results = await influx.query('SELECT v FROM r', 'z', { epoch: 'ms' });
    expect(results[0]?.series?.[0]?.values).toEqual([[1_700_000_000_000, 7]]);
  });
});
