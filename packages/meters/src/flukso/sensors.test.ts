import { describe, expect, it } from 'vitest';
import type { FluksoSensorConfig } from './config.js';
import { FluksoDataError, FluksoSensors, FluksoSilentSensorError } from './sensors.js';

const L1 = '11111111111111111111111111111111';
const L2 = '22222222222222222222222222222222';
const L3 = '33333333333333333333333333333333';
const PV = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const T = 1_718_967_600;
const STALE = 60_000;

const sensor = (id: string, channel: string, extra: Partial<FluksoSensorConfig> = {}): FluksoSensorConfig => ({
  id,
  channel,
  factor: 1,
  ...extra,
});

function send(s: FluksoSensors, id: string, kind: 'gauge' | 'counter', ts: number, value: number, at = 0) {
  s.receive(`/sensor/${id}/${kind}`, JSON.stringify([ts, value, kind === 'gauge' ? 'W' : 'Wh']), at);
}

/** The ULB layout: a clamp on the grid connection and one on the PV inverter, in three aggregates. */
const ULB = [
  sensor(L1, 'grid'),
  sensor(PV, 'grid', { factor: -1 }),
  sensor(L1, 'consumption'),
  sensor(PV, 'production', { factor: -1 }),
];

/** The FluksoSilentSensorError `take` throws. */
function silentError(take: () => unknown): FluksoSilentSensorError {
  try {
    take();
  } catch (err) {
    expect(err).toBeInstanceOf(FluksoSilentSensorError);
    return err as FluksoSilentSensorError;
  }
  throw new Error('expected the take to fail');
}

describe('FluksoSensors', () => {
  it('declares per channel power, phases, and energy when its factors agree in sign', () => {
    const s = new FluksoSensors(
      [
        sensor(L1, 'grid', { phase: 'l1' }),
        sensor(L2, 'grid', { phase: 'l2' }),
        sensor(PV, 'production', { factor: -1 }),
      ],
      100_000,
    );
    expect(s.channels).toEqual([
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
    expect(new FluksoSensors(ULB, 100_000).channels[0]).toEqual({ id: 'grid', values: ['power_w'] });
  });

  it('sums three phase clamps into one channel, with the per-phase shares', () => {
    const s = new FluksoSensors(
      [sensor(L1, 'grid', { phase: 'l1' }), sensor(L2, 'grid', { phase: 'l2' }), sensor(L3, 'grid', { phase: 'l3' })],
      100_000,
    );
    send(s, L1, 'gauge', T, 230.4);
    send(s, L2, 'gauge', T, 1200);
    expect(s.take(0, STALE, 0)).toEqual([]); // L3 has not spoken yet: no partial sum
    send(s, L3, 'gauge', T + 1, 15.2);
    expect(s.take(0, STALE, 0)).toEqual([
      {
        channel: 'grid',
        ts: (T + 1) * 1000,
        values: { power_w: 1445.6, power_w_l1: 230.4, power_w_l2: 1200, power_w_l3: 15.2 },
      },
    ]);
    expect(s.take(0, STALE, 0)).toEqual([]); // nothing new since
  });

  it('applies the ULB network/production/consumption factors', () => {
    const s = new FluksoSensors(ULB, 100_000);
    send(s, L1, 'gauge', T, 800); // consumption
    send(s, PV, 'gauge', T, 2300); // production: the clamp reads a positive current
    send(s, L1, 'counter', T, 1_000_000);
    send(s, PV, 'counter', T, 250_000);
    expect(s.take(0, STALE, 0)).toEqual([
      { channel: 'grid', ts: T * 1000, values: { power_w: -1500 } },
      { channel: 'consumption', ts: T * 1000, values: { power_w: 800, energy_import_wh: 1_000_000 } },
      { channel: 'production', ts: T * 1000, values: { power_w: -2300, energy_export_wh: 250_000 } },
    ]);
  });

  it('returns the latest value since the previous take, gauge and counter at their own times', () => {
    const s = new FluksoSensors([sensor(L1, 'main')], 100_000);
    for (let k = 0; k < 5; k++) send(s, L1, 'gauge', T + k, 100 + k);
    send(s, L1, 'counter', T + 2, 5000);
    send(s, L1, 'gauge', T + 1, 999); // late: older than what we have
    expect(s.take(0, STALE, 0)).toEqual([
      { channel: 'main', ts: (T + 2) * 1000, values: { energy_import_wh: 5000 } },
      { channel: 'main', ts: (T + 4) * 1000, values: { power_w: 104 } },
    ]);
    send(s, L1, 'gauge', T + 5, 7);
    expect(s.take(0, STALE, 0)).toEqual([{ channel: 'main', ts: (T + 5) * 1000, values: { power_w: 7 } }]);
  });

  it('reports bad messages once at the next take, keeping the good values for the one after', () => {
    const s = new FluksoSensors([sensor(L1, 'main')], 10_000);
    send(s, L1, 'gauge', T, 500);
    s.receive(`/sensor/${L1}/gauge`, '[1718967601,nan,"W"]', 0);
    send(s, L1, 'gauge', T + 2, 50_000); // beyond max_power_w
    send(s, L1, 'counter', T, 100);
    send(s, L1, 'counter', T + 2, 200); // 100 Wh in 2 s would be 180 kW
    send(s, L1, 'gauge', T + 3, 600);
    expect(() => s.take(0, STALE, 0)).toThrow(FluksoDataError);
    send(s, L1, 'gauge', T + 4, 50_000);
    expect(() => s.take(0, STALE, 0)).toThrow(
      `sensor ${L1}: gauge 50000 W is implausible (max_power_w 10000): dropped`,
    );
    expect(s.take(0, STALE, 0)).toEqual([
      { channel: 'main', ts: T * 1000, values: { energy_import_wh: 100 } },
      { channel: 'main', ts: (T + 3) * 1000, values: { power_w: 600 } },
    ]);
  });

  it('says how many bad messages came, and what the first one was', () => {
    const s = new FluksoSensors([sensor(L1, 'main')], 10_000);
    s.receive(`/sensor/${L1}/gauge`, '[1718967601,nan,"W"]', 0);
    send(s, L1, 'counter', T, 100);
    send(s, L1, 'counter', T + 2, 200);
    s.receive(`/sensor/${L1}/counter`, '[1718967605,-3,"Wh"]', 0);
    expect(() => s.take(0, STALE, 0)).toThrow(
      `sensor ${L1}: gauge payload is not JSON: [1718967601,nan,"W"] (and 2 more bad messages)`,
    );
  });

  it('names a silent sensor, by the time of arrival on our clock', () => {
    const s = new FluksoSensors([sensor(L1, 'a'), sensor(L2, 'b')], 100_000);
    send(s, L1, 'gauge', T, 1, 10_000);
    expect(silentError(() => s.take(65_000, STALE, 1_000)).message).toBe(
      `channel b: no data from sensor ${L2} for 64 s (none yet)`,
    );
    send(s, L2, 'gauge', T, 2, 65_500);
    expect(silentError(() => s.take(71_000, STALE, 1_000)).message).toBe(
      `channel a: no data from sensor ${L1} for 61 s`,
    );
    send(s, L1, 'gauge', T + 70, 3, 71_500);
    expect(s.take(72_000, STALE, 1_000).map((x) => [x.channel, x.values.power_w])).toEqual([['a', 3]]);
  });

  it('fails only the channels of a silent sensor, naming it, and returns the others', () => {
    const s = new FluksoSensors(ULB, 100_000);
    send(s, L1, 'gauge', T, 500, 1_000);
    send(s, PV, 'gauge', T, 2000, 1_000);
    expect(s.take(2_000, STALE, 0).map((x) => x.channel)).toEqual(['grid', 'consumption', 'production']);
    // The PV clamp goes silent; the grid clamp L1 goes on.
    send(s, L1, 'gauge', T + 70, 700, 71_000);
    const error = silentError(() => s.take(72_000, STALE, 0));
    expect(error.message).toBe(
      `channel grid: no data from sensor ${PV} for 71 s; channel production: no data from sensor ${PV} for 71 s`,
    );
    expect(error.samples).toEqual([{ channel: 'consumption', ts: (T + 70) * 1000, values: { power_w: 700 } }]);
    // Back: every channel reads again, the consumption sample is not returned twice.
    send(s, PV, 'gauge', T + 72, 1900, 73_000);
    expect(s.take(74_000, STALE, 0).map((x) => [x.channel, x.ts])).toEqual([
      ['grid', (T + 72) * 1000],
      ['production', (T + 72) * 1000],
    ]);
  });

  it('with noneIsSilent, fails the channels of a sensor that never sent a gauge at once', () => {
    const s = new FluksoSensors(ULB, 100_000);
    send(s, L1, 'gauge', T, 500, 1_000);
    expect(s.take(3_000, STALE, 0)).toEqual([{ channel: 'consumption', ts: T * 1000, values: { power_w: 500 } }]);
    send(s, L1, 'gauge', T + 1, 600, 3_500);
    const error = silentError(() => s.take(4_000, STALE, 0, true));
    expect(error.message).toBe(
      `channel grid: no data from sensor ${PV} for 4 s (none yet); channel production: no data from sensor ${PV} for 4 s (none yet)`,
    );
    expect(error.samples.map((x) => [x.channel, x.values.power_w])).toEqual([['consumption', 600]]);
  });

  it('ignores other sensors and topics, and refuses a sensor listed twice for a channel', () => {
    const s = new FluksoSensors([sensor(L1, 'main')], 100_000);
    send(s, L2, 'gauge', T, 100);
    s.receive('/device/x/config', 'whatever', 0);
    expect(s.take(0, STALE, 0)).toEqual([]);
    expect(() => new FluksoSensors([sensor(L1, 'main'), sensor(L1, 'main', { factor: 2 })], 1)).toThrow(
      `sensors[1]: sensor ${L1} is already listed for channel main`,
    );
  });
});
