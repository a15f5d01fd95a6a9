import { EgaugeSimulator } from '@wattbus/simulators/egauge';
import { XMLParser } from 'fast-xml-parser';
import { afterEach, describe, expect, it } from 'vitest';
import { parseHistory } from './xml.js';

const START = Date.UTC(2024, 5, 21, 12, 0, 0);
let clock = START;
const sims: EgaugeSimulator[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.stop()));
});

async function simulator(): Promise<EgaugeSimulator> {
  clock = START;
  const sim = new EgaugeSimulator({
    clock: () => clock,
    registers: [
      { name: 'Grid', type: 'P', rate: 1000 },
      { name: 'Solar', type: 'P', rate: -400 },
      { name: 'L1 Voltage', type: 'V', rate: 230.123 },
    ],
  });
  sims.push(sim);
  await sim.start();
  return sim;
}

const get = async (sim: EgaugeSimulator, path: string) => {
  const response = await fetch(`${sim.url}${path}`);
  expect(response.headers.get('content-type')).toBe('text/xml');
  return response.text();
};

describe('EgaugeSimulator', () => {
  it('answers egauge-show with minute rows (m), skipping (s), and between f and t', async () => {
    const sim = await simulator();
    clock += 30_000;
    const minutes = parseHistory(await get(sim, '/cgi-bin/egauge-show?m&n=3'));
    expect([...minutes.rows.keys()]).toEqual([START / 1000, START / 1000 - 60, START / 1000 - 120]);
    const [a, b] = [minutes.rows.get(START / 1000), minutes.rows.get(START / 1000 - 60)];
    expect((Number(a?.get('Grid')) - Number(b?.get('Grid'))) / 60).toBe(1000);
    expect((Number(a?.get('L1 Voltage')) - Number(b?.get('L1 Voltage'))) / 60 / 1000).toBeCloseTo(230.123, 3);

    const xml = await get(sim, '/cgi-bin/egauge-show?S&s=9&n=100');
    expect(xml).toContain('time_delta="10"');
    expect(parseHistory(xml).rows.size).toBe(61); // 600 s of backfill + 30 s, every 10 s

    const window = parseHistory(await get(sim, `/cgi-bin/egauge-show?S&f=${START / 1000 + 10}&t=${START / 1000 + 5}`));
    expect([...window.rows.keys()]).toEqual([10, 9, 8, 7, 6, 5].map((k) => START / 1000 + k));
  });

  it('answers egauge?inst&tot like the device: totals, the last second in W and V, and a total row', async () => {
    const sim = await simulator();
    clock += 5_000;
    const xml = await get(sim, '/cgi-bin/egauge?inst&tot');
    const data = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', parseTagValue: false }).parse(
      xml,
    ).data;
    expect(data.serial).toBe('0x3b6e2c1a');
    expect(data.ts).toBe(String(START / 1000 + 5));
    expect(data.r.map((r: Record<string, string>) => [r.t, r.n, r.i])).toEqual([
      ['P', 'Grid', '1000'],
      ['P', 'Solar', '-400'],
      ['V', 'L1 Voltage', '230.123'],
      ['P', 'Total Usage', '600'],
    ]);
    expect(data.r[0].v).toBe(String(sim.totalAt('Grid', START / 1000 + 5)));
    expect(data.r[3].rt).toBe('total');
    const unknown = await fetch(`${sim.url}/cgi-bin/other`);
    expect(unknown.status).toBe(404);
  });
});
