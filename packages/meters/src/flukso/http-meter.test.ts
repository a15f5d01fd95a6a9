import { Value } from '@sinclair/typebox/value';
import {
  type FluksoHttpFault,
  FluksoHttpSimulator,
  type FluksoHttpSimulatorOptions,
  type FluksoSimSensor,
} from '@wattbus/simulators/flukso';
import { afterEach, describe, expect, it } from 'vitest';
import { readFailure } from '../../test/read-failure.js';
import type { ChannelSample } from '../driver.js';
import { type FluksoConfig, FluksoConfigSchema, type FluksoSensorConfig } from './config.js';
import { FluksoHttpMeter } from './http-meter.js';

const L1 = '5e1c27d4b04e4f1c9d0a7f3e2b6c8d10';
const L2 = '5e1c27d4b04e4f1c9d0a7f3e2b6c8d20';
const PV = 'c0ffee00c0ffee00c0ffee00c0ffee00';
const T = 1_718_967_600;
const QUERY = '?version=1.0&interval=minute&unit=watt';

/** A different power every second, to tell the seconds apart. */
const varying = (ts: number) => 1000 + (ts % 100);
const SENSORS: FluksoSimSensor[] = [
  { id: L1, power: varying },
  { id: L2, power: 300.5 },
  { id: PV, power: 2000 },
];
/** Sensors as written in a config, factor defaulting to 1. */
type SensorInput = Omit<FluksoSensorConfig, 'factor'> & { factor?: number };
const CHANNELS: SensorInput[] = [
  { id: L1, channel: 'grid', phase: 'l1' },
  { id: L2, channel: 'grid', phase: 'l2' },
  { id: PV, channel: 'production', factor: -1 },
];

/** The Fluksometer's clock; tests move it. */
let deviceNow = T * 1000;
const sims: FluksoHttpSimulator[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.stop()));
});

async function fluksometer(options: Partial<FluksoHttpSimulatorOptions> = {}): Promise<FluksoHttpSimulator> {
  deviceNow = T * 1000;
  const sim = new FluksoHttpSimulator({ sensors: SENSORS, clock: () => deviceNow, ...options });
  sims.push(sim);
  await sim.start();
  return sim;
}

/** Long enough for a loaded 2-core machine running many suites (300 ms was not), short for the timeout fault. */
const TIMEOUT_MS = 2000;

function meter(
  sim: FluksoHttpSimulator,
  config: Partial<Omit<FluksoConfig, 'sensors'>> & { sensors?: SensorInput[] } = {},
  saved?: unknown,
  meterId = 'flm',
): FluksoHttpMeter {
  const input = { url: sim.url, sensors: CHANNELS, connect_timeout_ms: TIMEOUT_MS, ...config };
  const full = Value.Default(FluksoConfigSchema, Value.Clone(input)) as FluksoConfig;
  expect(Value.Check(FluksoConfigSchema, full)).toBe(true);
  return new FluksoHttpMeter(full, { meterId, saved });
}

/** Lets the Fluksometer's clock run, then reads (our clock does not matter on this path). */
function readAfter(m: FluksoHttpMeter, seconds: number): Promise<ChannelSample[]> {
  deviceNow += seconds * 1000;
  return m.read(Date.now());
}

/** Device seconds, relative to T, of the samples of a channel. */
const secondsOf = (samples: ChannelSample[], channel: string) =>
  samples.filter((s) => s.channel === channel).map((s) => s.ts / 1000 - T);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const iso = (ts: number) => new Date(ts * 1000).toISOString();

describe('FluksoHttpMeter against the simulated Fluksometer HTTP API', () => {
  it('reports power per channel with the factors and phases, at the unit and sign, at the device seconds', async () => {
    const sim = await fluksometer();
    const m = meter(sim);
    expect(m.channels).toEqual([
      { id: 'grid', values: ['power_w', 'power_w_l1', 'power_w_l2'] },
      { id: 'production', values: ['power_w'] },
    ]);
    await m.open();
    expect(sim.requests).toEqual([]); // opening does no I/O
    const l1 = varying(T);
    expect(await m.read(Date.now())).toEqual([
      { channel: 'grid', ts: T * 1000, values: { power_w: l1 + 300.5, power_w_l1: l1, power_w_l2: 300.5 } },
      { channel: 'production', ts: T * 1000, values: { power_w: -2000 } },
    ]);
    expect([...sim.requests].sort()).toEqual([
      `/sensor/${L1}${QUERY}`,
      `/sensor/${L2}${QUERY}`,
      `/sensor/${PV}${QUERY}`,
    ]);

    const next = await readAfter(m, 3);
    expect(next.map((s) => [s.channel, s.ts / 1000 - T, s.values.power_w])).toEqual([
      ['grid', 1, varying(T + 1) + 300.5],
      ['grid', 2, varying(T + 2) + 300.5],
      ['grid', 3, varying(T + 3) + 300.5],
      ['production', 1, -2000],
      ['production', 2, -2000],
      ['production', 3, -2000],
    ]);
    expect(await readAfter(m, 0)).toEqual([]); // no new second: nothing twice
    await m.close();
  });

  it('reads a sensor listed for several channels once per read, as the ULB layout', async () => {
    const sim = await fluksometer();
    const m = meter(sim, {
      sensors: [
        { id: L1, channel: 'grid', factor: 1 },
        { id: PV, channel: 'grid', factor: -1 },
        { id: L1, channel: 'consumption', factor: 1 },
        { id: PV, channel: 'production', factor: -1 },
      ],
    });
    const samples = await m.read(Date.now());
    expect(samples.map((s) => [s.channel, s.values])).toEqual([
      ['grid', { power_w: varying(T) - 2000 }],
      ['consumption', { power_w: varying(T) }],
      ['production', { power_w: -2000 }],
    ]);
    expect(sim.requests).toHaveLength(2);
  });

  it('fills a 40 s gap from the minute series: every second exactly once, none lost', async () => {
    const sim = await fluksometer();
    const m = meter(sim);
    const seen: ChannelSample[] = [];
    seen.push(...(await m.read(Date.now())));
    for (let i = 0; i < 3; i++) seen.push(...(await readAfter(m, 1)));
    for (const fault of ['http500', 'timeout', 'not-json'] as const) {
      sim.inject(fault); // the next request (of the parallel ones of a read) fails
      expect((await readFailure(readAfter(m, 10))).meterId).toBe('flm');
    }
    seen.push(...(await readAfter(m, 10))); // 40 s after the last good read
    expect(secondsOf(seen, 'grid')).toEqual(range(0, 43));
    expect(secondsOf(seen, 'production')).toEqual(range(0, 43));
    for (const s of seen.filter((x) => x.channel === 'grid')) {
      expect(s.values.power_w_l1, String(s.ts)).toBe(varying(s.ts / 1000));
    }
  });

  it('continues after a restart from its checkpoint, without a gap or a repeat', async () => {
    const sim = await fluksometer();
    const before = meter(sim);
    expect(before.checkpoint()).toBeUndefined();
    await before.read(Date.now());
    await readAfter(before, 5);
    const checkpoint = before.checkpoint();
    expect(checkpoint).toEqual({ last_ts: { grid: T + 5, production: T + 5 } });
    await before.close();

    deviceNow += 30_000; // the agent is stopped for 30 s, then starts with the stored checkpoint
    const after = meter(sim, {}, JSON.parse(JSON.stringify(checkpoint)));
    const samples = await after.read(Date.now());
    expect(secondsOf(samples, 'grid')).toEqual(range(6, 35));
    expect(secondsOf(samples, 'production')).toEqual(range(6, 35));
    expect(after.checkpoint()).toEqual({ last_ts: { grid: T + 35, production: T + 35 } });
  });

  it('ignores a checkpoint of the wrong shape: starts from the newest second, as on a first start', async () => {
    const sim = await fluksometer();
    deviceNow += 30_000;
    const bad: unknown[] = [
      null,
      'x',
      T,
      { last_ts: T },
      { last_ts: [T] },
      { last_ts: { grid: String(T) } },
      { last_ts: { grid: T, production: -1 } },
      { last_ts: { grid: T + 0.5 } },
      { last_ts: { other: T } }, // a channel no longer configured
    ];
    for (const saved of bad) {
      const m = meter(sim, {}, saved);
      expect(m.checkpoint(), JSON.stringify(saved)).toBeUndefined();
      expect(secondsOf(await m.read(Date.now()), 'grid'), JSON.stringify(saved)).toEqual([30]);
    }
    // a channel missing from the checkpoint (added to the config since) starts from the newest second
    const partial = meter(sim, {}, { last_ts: { grid: T + 20, gone: T } });
    const samples = await partial.read(Date.now());
    expect(secondsOf(samples, 'grid')).toEqual(range(21, 30));
    expect(secondsOf(samples, 'production')).toEqual([30]);
  });

  it.each([
    [
      'http500',
      /^meter flm: sensor [0-9a-f]{32}: GET http:\/\/127\.0\.0\.1:\d+\/sensor\/[0-9a-f]{32}\?version=1\.0&interval=minute&unit=watt: answered HTTP 500 Internal Server Error$/,
    ],
    ['timeout', /^meter flm: sensor [0-9a-f]{32}: GET http:\/\/\S+: no answer within 2000 ms$/],
    ['truncated', /^meter flm: sensor [0-9a-f]{32}: http:\/\/\S+: answer is not JSON: \[\[1718967\d+,/],
    [
      'not-json',
      new RegExp(`^meter flm: sensor ${L1}: http://\\S+: answer is not JSON: <html><head><title>Fluksometer`),
    ],
    [
      'spike',
      new RegExp(
        `^meter flm: sensor ${L1}: 1000000000 W at ${iso(T + 1).replace(/\./g, '\\.')} is implausible \\(max_power_w 100000\\): that second is dropped$`,
      ),
    ],
  ] as const)(
    'a %s fails the read with a clear error naming the meter and sensor; the next read recovers',
    async (fault, message) => {
      const sim = await fluksometer();
      const m = meter(sim);
      await m.read(Date.now());
      sim.inject(fault as FluksoHttpFault);
      const error = await readFailure(readAfter(m, 1));
      expect(error.meterId).toBe('flm');
      expect(error.message).toMatch(message);
      const next = await readAfter(m, 1);
      // a stored spike is reported once: that second is dropped for the channels of its sensor only
      expect(secondsOf(next, 'grid')).toEqual(fault === 'spike' ? [2] : [1, 2]);
      expect(secondsOf(next, 'production')).toEqual([1, 2]);
      expect(secondsOf(await readAfter(m, 1), 'grid')).toEqual([3]);
    },
  );

  it('a "nan" second is no error: the channel waits for it and takes it once the series has it', async () => {
    const sim = await fluksometer();
    const m = meter(sim);
    await m.read(Date.now());
    sim.inject('nan'); // L1's newest second is "nan" in its next answer
    const first = await readAfter(m, 1);
    expect(secondsOf(first, 'grid')).toEqual([]);
    expect(secondsOf(first, 'production')).toEqual([1]);
    const next = await readAfter(m, 1);
    expect(secondsOf(next, 'grid')).toEqual([1, 2]);
    expect(secondsOf(next, 'production')).toEqual([2]);
  });

  it('names a sensor id the Fluksometer does not know (HTTP 404)', async () => {
    const sim = await fluksometer();
    const unknown = '0123456789abcdef0123456789abcdef';
    const m = meter(sim, { sensors: [...CHANNELS, { id: unknown, channel: 'grid', phase: 'l3' }] });
    const error = await readFailure(m.read(Date.now()));
    expect(error.message).toBe(
      `meter flm: sensor ${unknown}: GET ${sim.url}/sensor/${unknown}${QUERY}: answered HTTP 404 Not Found ` +
        '(is the sensor id right, and the sensor enabled on this Fluksometer?)',
    );
  });

  it('fails clearly when the Fluksometer cannot be reached', async () => {
    const sim = await fluksometer();
    const m = meter(sim);
    const url = sim.url;
    await sim.stop();
    const error = await readFailure(m.read(Date.now()));
    expect(error.message).toMatch(
      new RegExp(
        `^meter flm: sensor ${L1}: GET ${url.replace(/\./g, '\\.')}/sensor/.*ECONNREFUSED.*\\(and 2 more sensors\\)$`,
      ),
    );
  });

  it('fails with "no data from sensor …" when a sensor has only "nan" for stale_after_s, and recovers', async () => {
    const sim = await fluksometer();
    const m = meter(sim, { stale_after_s: 60 });
    await m.read(Date.now());
    sim.silence(PV); // "nan" from T + 1 on
    const during = await readAfter(m, 30);
    expect(secondsOf(during, 'grid')).toEqual(range(1, 30));
    expect(secondsOf(during, 'production')).toEqual([]);
    const error = await readFailure(readAfter(m, 30));
    expect(error.message).toBe(`meter flm: no data from sensor ${PV} for 60 s`);
    sim.resume(PV);
    const after = await readAfter(m, 5);
    expect(secondsOf(after, 'grid')).toEqual(range(31, 65));
    expect(secondsOf(after, 'production')).toEqual(range(61, 65));
  });

  it('fails with "no data from sensor …" when the series of sensors hold nothing but "nan"', async () => {
    const sim = await fluksometer({ startTs: T + 3600 }); // no data yet
    const error = await readFailure(meter(sim).read(Date.now()));
    expect(error.message).toBe(
      `meter flm: no data from sensor ${L1} for 60 s, sensor ${L2} for 60 s, sensor ${PV} for 60 s`,
    );
  });

  it("says so when the Fluksometer's clock went back, instead of returning seconds twice", async () => {
    const sim = await fluksometer();
    const m = meter(sim);
    await m.read(Date.now());
    await readAfter(m, 5);
    const error = await readFailure(readAfter(m, -120));
    expect(error.message).toBe(
      `meter flm: the Fluksometer's newest second (${iso(T - 115)}) is older than the last one returned ` +
        `(${iso(T + 5)}): its clock went back; readings resume when it gets past that time`,
    );
    expect(await readAfter(m, 120)).toEqual([]);
    expect(secondsOf(await readAfter(m, 2), 'grid')).toEqual([6, 7]);
  });
});
