import { Value } from '@sinclair/typebox/value';
import { type FluksoFault, FluksoSimulator } from '@wattbus/simulators/flukso';
import { freePort, type MosquittoHandle, startAedes, startMosquitto, waitFor } from '@wattbus/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ChannelSample, MeterReadError, PartialReadError } from '../driver.js';
import { type FluksoConfig, FluksoConfigSchema } from './config.js';
import { FluksoMeter } from './driver.js';

const L1 = '5e1c27d4b04e4f1c9d0a7f3e2b6c8d10';
const L2 = '5e1c27d4b04e4f1c9d0a7f3e2b6c8d20';
const PV = 'c0ffee00c0ffee00c0ffee00c0ffee00';
const T = 1_718_967_600;

let broker: MosquittoHandle;
/** The Fluksometer's clock and ours; tests move them. */
let deviceNow = T * 1000;
let ourNow = Date.now();
const cleanups: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  broker = await startMosquitto();
});
afterAll(async () => {
  await broker?.stop();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function fluksometer(): Promise<FluksoSimulator> {
  deviceNow = T * 1000;
  const sim = new FluksoSimulator({
    url: broker.url,
    clock: () => deviceNow,
    sensors: [
      { id: L1, power: 1200, counterWh: 4_000_000 },
      { id: L2, power: 300.5, counterWh: 1_000_000 },
      { id: PV, power: 2000, counterWh: 500_000 },
    ],
  });
  await sim.start();
  cleanups.push(() => sim.stop());
  return sim;
}

async function opened(config: Partial<FluksoConfig> = {}, meterId = 'flm'): Promise<FluksoMeter> {
  const input = {
    url: broker.url,
    sensors: [
      { id: L1, channel: 'grid', phase: 'l1' },
      { id: L2, channel: 'grid', phase: 'l2' },
      { id: PV, channel: 'production', factor: -1 },
    ],
    first_data_ms: 0, // the tests publish after opening
    ...config,
  };
  const full = Value.Default(FluksoConfigSchema, input) as FluksoConfig;
  expect(Value.Check(FluksoConfigSchema, full)).toBe(true);
  ourNow = Date.now();
  const meter = new FluksoMeter(full, { meterId }, () => ourNow);
  await meter.open();
  cleanups.push(() => meter.close());
  return meter;
}

/** Reads until samples at device time `ts` (s) came for every channel; returns everything read on the way. */
async function readUntil(meter: FluksoMeter, ts: number, channels = ['grid', 'production']): Promise<ChannelSample[]> {
  const all: ChannelSample[] = [];
  await waitFor(
    async () => {
      all.push(...(await meter.read(ourNow)));
      return channels.every((c) => all.some((s) => s.channel === c && s.ts === ts * 1000));
    },
    { what: `samples at ${ts}`, timeoutMs: 5000 },
  );
  return all;
}

/** Reads until the read fails (messages are on their way), and returns the error. */
async function readError(meter: FluksoMeter): Promise<MeterReadError> {
  const error = await waitFor(
    () =>
      meter.read(ourNow).then(
        () => undefined,
        (e: unknown) => e,
      ),
    { what: 'a failing read', timeoutMs: 5000 },
  );
  expect(error).toBeInstanceOf(MeterReadError);
  return error as MeterReadError;
}

describe('FluksoMeter against a simulated Fluksometer on mosquitto', () => {
  it('reports power and energy per channel, with phases and the production factor', async () => {
    const sim = await fluksometer();
    const meter = await opened();
    expect(meter.channels).toEqual([
      {
        id: 'grid',
        values: [
          'power_w',
          'power_w_l1',
          'power_w_l2',
          'energy_import_wh',
          'energy_import_wh_l1',
          'energy_import_wh_l2',
        ],
      },
      { id: 'production', values: ['power_w', 'energy_export_wh'] },
    ]);
    await sim.tick();
    deviceNow += 3600_000; // an hour later: the counters have counted the hour
    await sim.tick();
    const samples = await readUntil(meter, T + 3600);
    expect(samples.filter((s) => s.ts === (T + 3600) * 1000)).toEqual([
      {
        channel: 'grid',
        ts: (T + 3600) * 1000,
        values: {
          power_w: 1500.5,
          power_w_l1: 1200,
          power_w_l2: 300.5,
          energy_import_wh: 5_001_500,
          energy_import_wh_l1: 4_001_200,
          energy_import_wh_l2: 1_000_300,
        },
      },
      { channel: 'production', ts: (T + 3600) * 1000, values: { power_w: -2000, energy_export_wh: 502_000 } },
    ]);
  });

  it('waits on opening for a first value of every sensor, so that the first read has data', async () => {
    const sim = await fluksometer();
    sim.run(50);
    const meter = await opened({ first_data_ms: 10_000 });
    const first = await meter.read(ourNow); // the simulator's clock stands still: one time, T
    expect(first.map((s) => [s.channel, s.ts, s.values.power_w])).toEqual([
      ['grid', T * 1000, 1500.5],
      ['production', T * 1000, -2000],
    ]);
  });

  it('returns each time once, in order, whatever the read rhythm', async () => {
    const sim = await fluksometer();
    const meter = await opened();
    const all: ChannelSample[] = [];
    for (let k = 0; k < 5; k++) {
      await sim.tick();
      deviceNow += 1000;
      all.push(...(await meter.read(ourNow)));
    }
    all.push(...(await readUntil(meter, T + 4)));
    for (const channel of ['grid', 'production']) {
      const times = all.filter((s) => s.channel === channel).map((s) => s.ts);
      expect(times.at(-1)).toBe((T + 4) * 1000);
      expect(times).toEqual([...new Set(times)].sort((a, b) => a - b));
    }
  });

  it.each([
    ['nan', /^meter flm: sensor 5e1c\w+: gauge payload is not JSON: \[1718967600,nan,"W"\]/],
    ['spike', /^meter flm: sensor 5e1c\w+: gauge 1000000000 W is implausible \(max_power_w 100000\): dropped$/],
    ['not-json', /^meter flm: sensor 5e1c\w+: gauge payload is not JSON: \[171896$/],
    ['wrong-unit', /^meter flm: sensor 5e1c\w+: gauge unit is "L\/min", not W: only electricity sensors/],
  ] as const)(
    'a %s message fails the next read with a clear error; the following read recovers',
    async (fault, message) => {
      const sim = await fluksometer();
      const meter = await opened();
      sim.inject(fault as FluksoFault);
      await sim.tick();
      const error = await readError(meter);
      expect(error.meterId).toBe('flm');
      expect(error.message).toMatch(message);
      deviceNow += 1000;
      await sim.tick();
      const samples = await readUntil(meter, T + 1);
      expect(samples.find((s) => s.channel === 'grid' && s.ts === (T + 1) * 1000)?.values.power_w).toBe(1500.5);
    },
  );

  it('a silent sensor fails only its channels, naming it; the others keep reading, and it recovers', async () => {
    const sim = await fluksometer();
    const meter = await opened({ stale_after_s: 60 });
    await sim.tick();
    await readUntil(meter, T);
    sim.silence(PV);
    ourNow += 30_000;
    deviceNow += 30_000;
    await sim.tick();
    await readUntil(meter, T + 30, ['grid']);
    ourNow += 40_000; // PV last spoke 70 s ago, L1 and L2 40 s ago
    deviceNow += 40_000;
    await sim.tick();
    const error = await waitFor(
      async () => {
        const e = await readError(meter);
        return e instanceof PartialReadError && e.samples.length > 0 ? e : undefined;
      },
      { what: 'a read with the grid sample of T + 70' },
    );
    expect(error.message).toBe(`meter flm: channel production: no data from sensor ${PV} for 70 s`);
    expect(error.samples.map((s) => [s.channel, s.ts, s.values.power_w])).toEqual([['grid', (T + 70) * 1000, 1500.5]]);
    sim.resume(PV);
    deviceNow += 1000;
    await sim.tick();
    await readUntil(meter, T + 71);
  });

  it('fails the channels of a sensor that sent nothing while opening waited for first data', async () => {
    const sim = await fluksometer();
    sim.silence(PV);
    sim.run(50);
    const meter = await opened({ first_data_ms: 300 });
    const error = await readError(meter);
    expect(error).toBeInstanceOf(PartialReadError);
    expect(error.message).toMatch(
      new RegExp(`^meter flm: channel production: no data from sensor ${PV} for \\d+ s \\(none yet\\)$`),
    );
    expect((error as PartialReadError).samples.map((s) => [s.channel, s.values.power_w])).toEqual([['grid', 1500.5]]);
  });

  it('fails to open clearly when the broker is not there', async () => {
    const port = await freePort();
    const meter = new FluksoMeter(
      Value.Default(FluksoConfigSchema, {
        url: `mqtt://127.0.0.1:${port}`,
        sensors: [{ id: L1, channel: 'grid' }],
        connect_timeout_ms: 500,
      }) as FluksoConfig,
      { meterId: 'flm' },
    );
    const error = await meter.open().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MeterReadError);
    expect((error as Error).message).toMatch(
      new RegExp(`^meter flm: cannot read from the Fluksometer's broker mqtt://127.0.0.1:${port}: .*ECONNREFUSED`),
    );
    await expect(meter.read(Date.now())).rejects.toThrow('meter flm: not open');
  });

  it('fails to open clearly when the broker refuses the subscription', async () => {
    const aedes = await startAedes({ authorizeSubscribe: (_client, _sub, done) => done(null, null) });
    cleanups.push(() => aedes.stop());
    const meter = new FluksoMeter(
      Value.Default(FluksoConfigSchema, { url: aedes.url, sensors: [{ id: L1, channel: 'grid' }] }) as FluksoConfig,
      { meterId: 'flm' },
    );
    await expect(meter.open()).rejects.toThrow(
      `meter flm: cannot read from the Fluksometer's broker ${aedes.url}: Subscribe error`,
    );
  });

  it('picks up again after the broker restarts', async () => {
    const sim = await fluksometer();
    const meter = await opened();
    await sim.tick();
    await readUntil(meter, T);
    await broker.restart();
    deviceNow += 1000;
    // both clients reconnect on their own; the meter subscribes again
    await waitFor(
      async () => {
        await sim.tick();
        deviceNow += 1000;
        return (await meter.read(ourNow)).some((s) => s.channel === 'grid');
      },
      { what: 'data after the restart', timeoutMs: 15_000, intervalMs: 200 },
    );
  }, 20_000);
});
