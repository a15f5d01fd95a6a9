import { afterEach, describe, expect, it } from 'vitest';
import { FluksoHttpSimulator } from './http-simulator.js';

const ID = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const T = 1_718_967_600;
const QUERY = 'version=1.0&interval=minute&unit=watt';

let deviceNow = T * 1000;
const sims: FluksoHttpSimulator[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.stop()));
});

async function fluksometer(): Promise<FluksoHttpSimulator> {
  deviceNow = T * 1000;
  const sim = new FluksoHttpSimulator({ sensors: [{ id: ID, power: (ts) => ts - T }], clock: () => deviceNow });
  sims.push(sim);
  await sim.start();
  return sim;
}

async function get(url: string): Promise<{ status: number; body: string }> {
  const response = await fetch(url);
  return { status: response.status, body: await response.text() };
}

describe('FluksoHttpSimulator', () => {
  it('serves the last 60 seconds oldest first, "nan" before its start and while a sensor is silenced', async () => {
    const sim = await fluksometer();
    deviceNow += 10_000;
    const series = JSON.parse((await get(`${sim.url}/sensor/${ID}?${QUERY}`)).body);
    expect(series).toHaveLength(60);
    expect(series[0]).toEqual([T - 49, 'nan']);
    expect(series.slice(-11)).toEqual(Array.from({ length: 11 }, (_, i) => [T + i, i]));
    sim.silence(ID);
    deviceNow += 3000;
    sim.resume(ID);
    deviceNow += 2000;
    const later = JSON.parse((await get(`${sim.url}/sensor/${ID}?${QUERY}`)).body);
    expect(later.slice(-6)).toEqual([
      [T + 10, 10],
      [T + 11, 'nan'],
      [T + 12, 'nan'],
      [T + 13, 'nan'],
      [T + 14, 14],
      [T + 15, 15],
    ]);
  });

  it('answers 404 for an unknown sensor and 400 for another version, interval or unit', async () => {
    const sim = await fluksometer();
    expect((await get(`${sim.url}/sensor/${'0'.repeat(32)}?${QUERY}`)).status).toBe(404);
    expect((await get(`${sim.url}/sensor/?${QUERY}`)).status).toBe(404);
    for (const query of [
      '',
      'interval=minute&unit=watt',
      'version=2.0&interval=minute&unit=watt',
      'version=1.0&interval=hour&unit=watt',
      'version=1.0&interval=minute&unit=kwhperyear',
    ]) {
      expect((await get(`${sim.url}/sensor/${ID}?${query}`)).status, query).toBe(400);
    }
  });

  it('injects nan (one answer), spike (stored) and not-json on the first sensor', async () => {
    const sim = await fluksometer();
    const url = `${sim.url}/sensor/${ID}?${QUERY}`;
    sim.inject('nan');
    expect(JSON.parse((await get(url)).body).at(-1)).toEqual([T, 'nan']);
    expect(JSON.parse((await get(url)).body).at(-1)).toEqual([T, 0]);
    sim.inject('spike');
    expect(JSON.parse((await get(url)).body).at(-1)).toEqual([T, 1e9]);
    deviceNow += 1000;
    expect(JSON.parse((await get(url)).body).slice(-2)).toEqual([
      [T, 1e9],
      [T + 1, 1],
    ]);
    sim.inject('not-json');
    expect((await get(url)).body).toMatch(/^<html>/);
    sim.inject('http500');
    expect((await get(url)).status).toBe(500);
  });
});
