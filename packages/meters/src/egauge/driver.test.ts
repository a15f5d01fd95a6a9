import { Value } from '@sinclair/typebox/value';
import {
  type EgaugeSimRegister,
  EgaugeSimulator,
  type EgaugeSimulatorOptions,
  historyXml,
} from '@wattbus/simulators/egauge';
import { SimHttpServer } from '@wattbus/simulators/http';
import { afterEach, describe, expect, it } from 'vitest';
import { readFailure } from '../../test/read-failure.js';
import type { ChannelSample } from '../driver.js';
import { type EgaugeConfig, EgaugeConfigSchema } from './config.js';
import { EgaugeMeter } from './driver.js';

const START = Date.UTC(2024, 5, 21, 12, 0, 0);
const REGISTERS: EgaugeSimRegister[] = [
  { name: 'Grid', type: 'P', rate: 1000 },
  { name: 'Solar', type: 'P', rate: -2500 },
  { name: 'L1 Voltage', type: 'V', rate: 230.5 },
  { name: 'CT1 Amperage', type: 'I', rate: 12.25 },
];

let clock = START;
const sims: Array<{ stop(): Promise<void> }> = [];

afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.stop()));
});

async function simulator(options: Partial<EgaugeSimulatorOptions> = {}): Promise<EgaugeSimulator> {
  clock = START;
  const sim = new EgaugeSimulator({ registers: REGISTERS, clock: () => clock, ...options });
  sims.push(sim);
  await sim.start();
  return sim;
}

function meter(
  sim: EgaugeSimulator,
  config: Partial<EgaugeConfig> = {},
  meterId = 'egauge-1',
  saved?: unknown,
): EgaugeMeter {
  const input = { url: sim.url, registers: ['Grid=P', 'Solar=P', 'L1 Voltage=V', 'CT1 Amperage=A'], ...config };
  const full = Value.Default(EgaugeConfigSchema, input) as EgaugeConfig;
  expect(Value.Check(EgaugeConfigSchema, full)).toBe(true);
  return new EgaugeMeter(full, { meterId, saved });
}

/** Lets the device clock run, then reads at the same time (agent and device clocks agree here). */
async function readAfter(m: EgaugeMeter, seconds: number): Promise<ChannelSample[]> {
  clock += seconds * 1000;
  return m.read(clock);
}

const tsOf = (samples: ChannelSample[], channel: string) =>
  samples.filter((s) => s.channel === channel).map((s) => (s.ts - START) / 1000);

describe('EgaugeMeter against the simulated eGauge', () => {
  it('reports each register at the unit and sign of the device, at the rows the device stored', async () => {
    const m = meter(await simulator());
    expect(m.channels).toEqual([
      { id: 'grid', values: ['power_w'] },
      { id: 'solar', values: ['power_w'] },
      { id: 'l1_voltage', values: ['voltage_v'] },
      { id: 'ct1_amperage', values: ['current_a'] },
    ]);
    await m.open();
    const first = await m.read(clock);
    expect(first).toEqual([
      { channel: 'grid', ts: START, values: { power_w: 1000 } },
      { channel: 'solar', ts: START, values: { power_w: -2500 } },
      { channel: 'l1_voltage', ts: START, values: { voltage_v: 230.5 } },
      { channel: 'ct1_amperage', ts: START, values: { current_a: 12.25 } },
    ]);
    const next = await readAfter(m, 10);
    expect(tsOf(next, 'grid')).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(next.filter((s) => s.channel === 'solar').every((s) => s.values.power_w === -2500)).toBe(true);
    await m.close();
  });

  it('asks egauge-show for one-second rows, only as many as it needs', async () => {
    const sim = await simulator();
    const m = meter(sim);
    await m.read(clock);
    await readAfter(m, 10);
    expect(sim.requests).toEqual(['/cgi-bin/egauge-show?S&s=0&n=5', '/cgi-bin/egauge-show?S&s=0&n=14']);
  });

  it('averages over step_s on multiples of it: 1000 W for 10 s rows gives power_w 1000', async () => {
    const sim = await simulator();
    sim.setRate('Grid', (ts) => (ts % 2 === 0 ? 1500 : 500));
    const m = meter(sim, { step_s: 10, registers: ['Grid=P'] });
    clock += 3000; // not on a multiple of 10 s: the first sample is the last full step
    expect(await m.read(clock)).toEqual([{ channel: 'grid', ts: START, values: { power_w: 1000 } }]);
    const later = await readAfter(m, 25);
    expect(later).toEqual([
      { channel: 'grid', ts: START + 10_000, values: { power_w: 1000 } },
      { channel: 'grid', ts: START + 20_000, values: { power_w: 1000 } },
    ]);
  });

  it('fills a 60 s outage from the history: every missing row once, none twice', async () => {
    const sim = await simulator();
    sim.setRate('Grid', (ts) => ts % 1000); // a different power every second
    const m = meter(sim, { registers: ['Grid=P'], timeout_ms: 300 });
    const seen: number[] = [];
    const keep = (samples: ChannelSample[]) => seen.push(...tsOf(samples, 'grid'));
    keep(await m.read(clock));
    keep(await readAfter(m, 10));
    sim.inject('http500', 3);
    sim.inject('timeout', 3);
    for (let i = 0; i < 6; i++) {
      const error = await readFailure(readAfter(m, 10));
      expect(error.meterId).toBe('egauge-1');
    }
    const after = await readAfter(m, 10);
    expect(tsOf(after, 'grid')).toEqual(Array.from({ length: 70 }, (_, k) => 11 + k));
    keep(after);
    keep(await readAfter(m, 10));
    expect(seen).toEqual(Array.from({ length: 91 }, (_, k) => k));
    // the filled-in rows carry the device's values for their own second
    for (const s of after) expect(s.values.power_w).toBe((s.ts / 1000) % 1000);
  }, 20_000);

  it('bounds the history it asks for by history_rows', async () => {
    const sim = await simulator({ backfillSeconds: 30 });
    const m = meter(sim, { registers: ['Grid=P'], history_rows: 20 });
    await m.read(clock);
    sim.inject('http500');
    await readFailure(readAfter(m, 60));
    const after = await readAfter(m, 60);
    expect(sim.requests.at(-1)).toBe('/cgi-bin/egauge-show?S&s=0&n=20');
    expect(tsOf(after, 'grid')).toEqual(Array.from({ length: 19 }, (_, k) => 102 + k));
  });

  it('skips the interval of a counter reset without an error and goes on', async () => {
    const sim = await simulator();
    const m = meter(sim, { registers: ['Grid=P', 'L1 Voltage=V'] });
    await m.read(clock);
    sim.inject('reset'); // at the next request, the newest stored row (second 5) drops to zero
    const atReset = await readAfter(m, 5);
    expect(tsOf(atReset, 'grid')).toEqual([1, 2, 3, 4]);
    expect(tsOf(atReset, 'l1_voltage')).toEqual([1, 2, 3, 4]);
    const after = await readAfter(m, 5);
    expect(tsOf(after, 'grid')).toEqual([6, 7, 8, 9, 10]);
    expect(tsOf(after, 'l1_voltage')).toEqual([6, 7, 8, 9, 10]);
    for (const s of [...atReset, ...after])
      expect(Object.values(s.values)).toEqual([s.channel === 'grid' ? 1000 : 230.5]);
    expect(sim.totalAt('Grid', START / 1000 + 10)).toBe(5000n);
  });

  it('reports a glitch in the stored data once, then skips that interval', async () => {
    const sim = await simulator();
    const m = meter(sim, { registers: ['Grid=P'] }, 'house-3');
    await m.read(clock);
    sim.inject('spike'); // at the next request, the newest stored row (second 5) jumps by 10^12 W·s
    const error = await readFailure(readAfter(m, 5));
    expect(error.message).toMatch(/^meter house-3: register "Grid": 1\.000e\+12 W from .* is implausible/);
    const samples = await readAfter(m, 5);
    expect(tsOf(samples, 'grid')).toEqual([1, 2, 3, 4, 6, 7, 8, 9, 10]);
    expect(samples.every((s) => s.values.power_w === 1000)).toBe(true);
  });

  it.each([
    ['http500', /^meter egauge-1: GET http:\/\/127\.0\.0\.1:\d+\/cgi-bin\/egauge-show\?S&s=0&n=\d+: answered HTTP 500/],
    ['timeout', /^meter egauge-1: GET .*: no answer within 300 ms$/],
    ['truncated', /^meter egauge-1: eGauge answer unusable: not well-formed XML/],
    ['not-xml', /^meter egauge-1: eGauge answer unusable: no <group><data> element/],
    ['nan', /^meter egauge-1: register "Grid": value "NaN" at .* is not a number$/],
  ] as const)(
    'a %s answer fails the read with a clear error; the next read recovers every row',
    async (fault, message) => {
      const sim = await simulator();
      const m = meter(sim, { registers: ['Grid=P'], timeout_ms: 300 });
      await m.read(clock);
      sim.inject(fault);
      const error = await readFailure(readAfter(m, 5));
      expect(error.meterId).toBe('egauge-1');
      expect(error.message).toMatch(message);
      const samples = await readAfter(m, 5);
      expect(tsOf(samples, 'grid')).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect(samples.every((s) => s.values.power_w === 1000)).toBe(true);
    },
  );

  it('fails clearly when the device is unreachable', async () => {
    const sim = await simulator();
    const m = meter(sim, { registers: ['Grid=P'] });
    await sim.stop();
    const error = await readFailure(m.read(clock));
    expect(error.message).toMatch(/^meter egauge-1: GET http:\/\/127\.0\.0\.1:\d+\/.*: fetch failed \(ECONNREFUSED\)$/);
  });

  it('names a register missing on the device, or of another type', async () => {
    const sim = await simulator();
    const missing = await readFailure(meter(sim, { registers: ['Gird=P'] }).read(clock));
    expect(missing.message).toBe(
      'meter egauge-1: register "Gird" is not on the eGauge (it has "Grid", "Solar", "L1 Voltage", "CT1 Amperage")',
    );
    const wrongType = await readFailure(meter(sim, { registers: ['L1 Voltage=P'] }).read(clock));
    expect(wrongType.message).toBe(
      'meter egauge-1: register "L1 Voltage" has type V on the eGauge, but the config says P',
    );
  });

  it('authenticates with HTTP Digest like a protected eGauge, and names a wrong password', async () => {
    const sim = await simulator({ credentials: { username: 'owner', password: 's3cret' } });
    const ok = meter(sim, { registers: ['Grid=P'], username: 'owner', password: 's3cret' });
    expect(await ok.read(clock)).toHaveLength(1);
    expect(await readAfter(ok, 3)).toHaveLength(3);
    const wrong = await readFailure(
      meter(sim, { registers: ['Grid=P'], username: 'owner', password: 'nope' }).read(clock),
    );
    expect(wrong.message).toMatch(/answered HTTP 401 Unauthorized \(check username and password\)$/);
    const anonymous = await readFailure(meter(sim, { registers: ['Grid=P'] }).read(clock));
    expect(anonymous.message).toMatch(/answered HTTP 401/);
  });

  it('refuses at creation a register list that maps two registers onto one value', async () => {
    const sim = await simulator();
    expect(() => meter(sim, { registers: ['Grid=P', { name: 'Mains', unit: 'P', channel: 'grid' }] })).toThrow(
      'meter egauge-1: config.registers[1] (Mains): grid.power_w is already reported by register "Grid"',
    );
  });

  it('says so when the device clock went back, instead of returning rows twice', async () => {
    let newest = START / 1000;
    const device = new SimHttpServer<never>({
      handle: () => ({
        contentType: 'text/xml',
        body: historyXml({
          serial: '0x1',
          epoch: 0,
          newestTs: newest,
          delta: 1,
          columns: [{ name: 'Grid', type: 'P' }],
          rows: [[String(newest * 1000)], [String(newest * 1000 - 1000)]],
        }),
      }),
    });
    await device.start();
    sims.push(device);
    const m = new EgaugeMeter(
      Value.Default(EgaugeConfigSchema, { url: device.url, registers: ['Grid=P'] }) as EgaugeConfig,
      {
        meterId: 'egauge-1',
      },
    );
    expect(await m.read(START)).toEqual([{ channel: 'grid', ts: START, values: { power_w: 1000 } }]);
    newest -= 3600;
    const error = await readFailure(m.read(START + 1000));
    expect(error.message).toBe(
      "meter egauge-1: the eGauge's newest row (2024-06-21T11:00:00.000Z) is older than the last one returned " +
        '(2024-06-21T12:00:00.000Z): its clock went back; readings resume when it gets past that time',
    );
    newest += 3601;
    expect(await m.read(START + 2000)).toEqual([{ channel: 'grid', ts: START + 1000, values: { power_w: 1000 } }]);
  });

  it('fills the time the agent was stopped from the history, starting after its checkpoint', async () => {
    const sim = await simulator({ registers: [{ name: 'Grid', type: 'P', rate: (ts) => ts % 1000 }] });
    const before = meter(sim, { registers: ['Grid=P'] });
    await before.read(clock);
    await readAfter(before, 5);
    const checkpoint = before.checkpoint();
    expect(checkpoint).toEqual({ last_ts: START / 1000 + 5 });

    clock += 120_000; // the agent is stopped for two minutes, then starts with the stored checkpoint
    const after = meter(sim, { registers: ['Grid=P'] }, 'egauge-1', JSON.parse(JSON.stringify(checkpoint)));
    const filled = await after.read(clock);
    expect(tsOf(filled, 'grid')).toEqual(Array.from({ length: 120 }, (_, k) => 6 + k));
    for (const s of filled) expect(s.values.power_w).toBe((s.ts / 1000) % 1000);
    expect(after.checkpoint()).toEqual({ last_ts: START / 1000 + 125 });
  });

  it('ignores a checkpoint of the wrong shape: starts from the newest row, as on a first start', async () => {
    const sim = await simulator();
    const m = meter(sim, { registers: ['Grid=P'] }, 'egauge-1', { last_ts: 'yesterday' });
    expect(m.checkpoint()).toBeUndefined();
    expect(tsOf(await readAfter(m, 30), 'grid')).toEqual([30]);
  });
});

describe('EgaugeMeter with api: instantaneous (egauge?inst&tot)', () => {
  const INSTANT_REGISTERS = [
    'Grid=P',
    'Solar=P',
    'L1 Voltage=V',
    'CT1 Amperage=A',
    { name: 'Total Usage', unit: 'P', channel: 'consumption', value: 'power_w' },
    { name: 'Grid', unit: 'P', channel: 'grid', value: 'energy_import_wh' },
  ] as EgaugeConfig['registers'];

  it("reports the device's last-second values and totals at its own time, once per device second", async () => {
    const sim = await simulator();
    const m = meter(sim, { api: 'instantaneous', registers: INSTANT_REGISTERS });
    const first = await readAfter(m, 5);
    expect(sim.requests.at(-1)).toBe('/cgi-bin/egauge?inst&tot');
    const at = START + 5000;
    expect(first).toEqual([
      {
        channel: 'grid',
        ts: at,
        // the total in W·s as an index in Wh, to the µWh
        values: {
          power_w: 1000,
          energy_import_wh: Math.round((Number(sim.totalAt('Grid', at / 1000)) / 3600) * 1e6) / 1e6,
        },
      },
      { channel: 'solar', ts: at, values: { power_w: -2500 } },
      { channel: 'l1_voltage', ts: at, values: { voltage_v: 230.5 } },
      { channel: 'ct1_amperage', ts: at, values: { current_a: 12.25 } },
      { channel: 'consumption', ts: at, values: { power_w: -1500 } },
    ]);
    expect(await m.read(clock)).toEqual([]); // the device has not measured since
    expect(tsOf(await readAfter(m, 60), 'grid')).toEqual([65]); // missed seconds are not filled in this mode
  });

  it('fails a read naming a NaN or an implausible value, an error page or a missing register; then recovers', async () => {
    const sim = await simulator();
    const m = meter(sim, { api: 'instantaneous', registers: ['Grid=P', 'L1 Voltage=V'], max_power_w: 500 });
    expect((await readFailure(readAfter(m, 1))).message).toBe(
      'meter egauge-1: register "Grid": 1000 W at 2024-06-21T12:00:01.000Z is implausible (limit 500 W)',
    );
    const ok = meter(sim, { api: 'instantaneous', registers: ['Grid=P', 'L1 Voltage=V'] });
    sim.inject('nan');
    expect((await readFailure(readAfter(ok, 1))).message).toBe(
      'meter egauge-1: register "Grid": value "NaN" at 2024-06-21T12:00:02.000Z is not a number',
    );
    sim.inject('not-xml');
    expect((await readFailure(readAfter(ok, 1))).message).toMatch(/^meter egauge-1: eGauge answer unusable: /);
    sim.inject('http500');
    expect((await readFailure(readAfter(ok, 1))).message).toMatch(/^meter egauge-1: .*500/);
    const missing = meter(sim, { api: 'instantaneous', registers: ['Battery=P'] });
    expect((await readFailure(readAfter(missing, 1))).message).toMatch(
      /register "Battery" is not on the eGauge \(it has "Grid"/,
    );
    expect(tsOf(await readAfter(ok, 1), 'grid')).toEqual([6]);
  });
});
