import { Value } from '@sinclair/typebox/value';
import { EcodevicesSimulator, type EcodevicesSimulatorOptions } from '@wattbus/simulators/ecodevices';
import { afterEach, describe, expect, it } from 'vitest';
import { readFailure } from '../../test/read-failure.js';
import { PartialReadError } from '../driver.js';
import { type EcodevicesConfig, EcodevicesConfigSchema } from './config.js';
import { EcodevicesMeter } from './driver.js';

const NOW = Date.UTC(2024, 0, 15, 18, 30, 0);
/** A Tempo meter's six indexes: off-peak and peak on blue, white and red days. */
const tempo = (...[hcjb, hpjb, hcjw, hpjw, hcjr, hpjr]: number[]) => ({
  BBRHCJB: hcjb ?? 0,
  BBRHPJB: hpjb ?? 0,
  BBRHCJW: hcjw ?? 0,
  BBRHPJW: hpjw ?? 0,
  BBRHCJR: hcjr ?? 0,
  BBRHPJR: hpjr ?? 0,
});
const sims: EcodevicesSimulator[] = [];

afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.stop()));
});

async function simulator(options: EcodevicesSimulatorOptions = {}): Promise<EcodevicesSimulator> {
  const sim = new EcodevicesSimulator(options);
  sims.push(sim);
  await sim.start();
  return sim;
}

function meter(sim: EcodevicesSimulator, config: Partial<EcodevicesConfig> = {}, meterId = 'linky'): EcodevicesMeter {
  const full = Value.Default(EcodevicesConfigSchema, { url: sim.url, ...config }) as EcodevicesConfig;
  expect(Value.Check(EcodevicesConfigSchema, full)).toBe(true);
  return new EcodevicesMeter(full, { meterId });
}

describe('EcodevicesMeter against the simulated Eco-devices', () => {
  it('reports T1 as apparent power, energy index and tariff; T2 without a meter gives nothing', async () => {
    const sim = await simulator();
    const m = meter(sim);
    expect(m.channels).toEqual([
      { id: 't1', values: ['apparent_power_va', 'energy_import_wh'] },
      { id: 't2', values: ['apparent_power_va', 'energy_import_wh'] },
    ]);
    await m.open();
    expect(await m.read(NOW)).toEqual([
      {
        channel: 't1',
        ts: NOW,
        values: { apparent_power_va: 130, energy_import_wh: 1_875_395 },
        labels: { tariff: 'TH..' },
      },
    ]);
    expect(sim.requests).toEqual(['/api/xdevices.json?cmd=10']);
    await m.close();
  });

  it('follows the meter: tariff period changes, index grows, a second meter appears on T2', async () => {
    const sim = await simulator();
    const m = meter(sim);
    await m.read(NOW);
    sim.state.t1 = { ptec: 'HC..', papp: 3600, indexes: { HCHC: 1000, HCHP: 2000 } };
    sim.run(10);
    sim.state.t2 = { ptec: 'HP..', papp: 450, indexes: { BASE: 70 } };
    expect(await m.read(NOW + 10_000)).toEqual([
      {
        channel: 't1',
        ts: NOW + 10_000,
        values: { apparent_power_va: 3600, energy_import_wh: 3010 },
        labels: { tariff: 'HC..' },
      },
      {
        channel: 't2',
        ts: NOW + 10_000,
        values: { apparent_power_va: 450, energy_import_wh: 70 },
        labels: { tariff: 'HP..' },
      },
    ]);
  });

  it('reports configured pulse counters, scaled, on their channel; others are ignored', async () => {
    const sim = await simulator();
    const m = meter(sim, {
      teleinfo: ['t1'],
      c2: { channel: 'production', value: 'energy_export_wh', scale: 1000 },
    });
    expect(m.channels.map((c) => c.id)).toEqual(['t1', 'production']);
    const samples = await m.read(NOW);
    expect(samples[1]).toEqual({ channel: 'production', ts: NOW, values: { energy_export_wh: 10_818_000 } });
    expect(JSON.stringify(samples)).not.toContain('784482');
  });

  it('never returns the same time twice, even if asked twice at once', async () => {
    const m = meter(await simulator());
    const a = await m.read(NOW);
    const b = await m.read(NOW);
    expect(b[0]?.ts).toBe((a[0]?.ts as number) + 1);
  });

  it.each([
    ['http500', /^meter linky: GET http:\/\/127\.0\.0\.1:\d+\/api\/xdevices\.json\?cmd=10: answered HTTP 500/],
    ['timeout', /^meter linky: GET .*: no answer within 300 ms$/],
    ['truncated', /^meter linky: Eco-devices answer unusable: answer is not JSON/],
    ['not-json', /^meter linky: Eco-devices answer unusable: answer is not JSON .*"<html>/],
    ['nan', /^meter linky: Eco-devices answer unusable: T1_PAPP is not a number \("NaN"\)$/],
    ['spike', /^meter linky: Eco-devices answer unusable: T1_PAPP = 9999999 VA is out of range/],
  ] as const)('a %s answer fails the read with a clear error; the next read recovers', async (fault, message) => {
    const sim = await simulator();
    const m = meter(sim, { timeout_ms: 300 });
    sim.inject(fault);
    const error = await readFailure(m.read(NOW));
    expect(error.meterId).toBe('linky');
    expect(error.message).toMatch(message);
    expect(await m.read(NOW + 1000)).toEqual([
      expect.objectContaining({
        channel: 't1',
        ts: NOW + 1000,
        values: { apparent_power_va: 130, energy_import_wh: 1_875_395 },
      }),
    ]);
  });

  it('fails clearly when no teleinfo input has a meter', async () => {
    const sim = await simulator({ state: { product: 'Eco-devices', c1: 0, c2: 0 } });
    const error = await readFailure(meter(sim).read(NOW));
    expect(error.message).toBe(
      'meter linky: no meter on the teleinfo inputs (T1_PTEC and T2_PTEC "----"): is the meter wired?',
    );
    expect(error).toBeInstanceOf(PartialReadError);
    expect((error as PartialReadError).samples).toEqual([]);
  });

  it('with a pulse counter, still fails naming the unwired teleinfo input, and returns the counter', async () => {
    const sim = await simulator({ state: { product: 'Eco-devices', c1: 0, c2: 10_818 } });
    const m = meter(sim, { teleinfo: ['t1'], c2: { channel: 'production', value: 'energy_export_wh', scale: 1000 } });
    const error = await readFailure(m.read(NOW));
    expect(error.message).toBe('meter linky: no meter on the teleinfo inputs (T1_PTEC "----"): is the meter wired?');
    expect(error).toBeInstanceOf(PartialReadError);
    expect((error as PartialReadError).samples).toEqual([
      { channel: 'production', ts: NOW, values: { energy_export_wh: 10_818_000 } },
    ]);
  });

  it('authenticates with HTTP Basic, and names a wrong password', async () => {
    const sim = await simulator({ credentials: { username: 'admin', password: 'eco' } });
    expect(await meter(sim, { username: 'admin', password: 'eco' }).read(NOW)).toHaveLength(1);
    const error = await readFailure(meter(sim, { username: 'admin', password: 'oops' }).read(NOW));
    expect(error.message).toMatch(/answered HTTP 401 Unauthorized \(check username and password\)$/);
  });

  it('with a tariff option, reports each period index on its own beside the total, as the periods change', async () => {
    const sim = await simulator({
      state: {
        product: 'Eco-devices',
        t1: { ptec: 'HC..', papp: 3600, indexes: { HCHC: 1000, HCHP: 2000 } },
        t2: { ptec: 'HPJR', papp: 1800, indexes: tempo(100, 200, 300, 400, 500, 600) },
        c1: 0,
        c2: 0,
      },
    });
    const m = meter(sim, { tariff_option: { t1: 'hc', t2: 'tempo' } });
    expect(m.channels).toEqual([
      { id: 't1', values: ['apparent_power_va', 'energy_import_wh', 'energy_import_wh_hc', 'energy_import_wh_hp'] },
      {
        id: 't2',
        values: [
          'apparent_power_va',
          'energy_import_wh',
          'energy_import_wh_hcjb',
          'energy_import_wh_hpjb',
          'energy_import_wh_hcjw',
          'energy_import_wh_hpjw',
          'energy_import_wh_hcjr',
          'energy_import_wh_hpjr',
        ],
      },
    ]);
    sim.run(10); // 10 Wh off-peak on t1, 5 Wh on t2's red-day peak index
    const t1 = { channel: 't1', labels: { tariff: 'HC..' } };
    const t2 = { channel: 't2', labels: { tariff: 'HPJR' } };
    expect(await m.read(NOW)).toEqual([
      {
        ...t1,
        ts: NOW,
        values: {
          apparent_power_va: 3600,
          energy_import_wh: 3010,
          energy_import_wh_hc: 1010,
          energy_import_wh_hp: 2000,
        },
      },
      {
        ...t2,
        ts: NOW,
        values: {
          apparent_power_va: 1800,
          energy_import_wh: 2105,
          energy_import_wh_hcjb: 100,
          energy_import_wh_hpjb: 200,
          energy_import_wh_hcjw: 300,
          energy_import_wh_hpjw: 400,
          energy_import_wh_hcjr: 500,
          energy_import_wh_hpjr: 605,
        },
      },
    ]);
    (sim.state.t1 as { ptec: string }).ptec = 'HP..';
    sim.run(10);
    const [first] = await m.read(NOW + 10_000);
    expect(first?.values).toEqual({
      apparent_power_va: 3600,
      energy_import_wh: 3020,
      energy_import_wh_hc: 1010,
      energy_import_wh_hp: 2010,
    });
  });

  it('with a tariff option, an EJP meter gives its normal and mobile-peak indexes; a missing one fails the read', async () => {
    const sim = await simulator({
      state: {
        product: 'Eco-devices',
        t1: { ptec: 'PM..', papp: 900, indexes: { EJPHN: 7000, EJPHPM: 300 } },
        c1: 0,
        c2: 0,
      },
    });
    const m = meter(sim, { teleinfo: ['t1'], tariff_option: { t1: 'ejp' } });
    sim.run(40); // 10 Wh on the mobile peak
    expect((await m.read(NOW))[0]?.values).toEqual({
      apparent_power_va: 900,
      energy_import_wh: 7310,
      energy_import_wh_hn: 7000,
      energy_import_wh_pm: 310,
    });
    const wrong = meter(sim, { teleinfo: ['t1'], tariff_option: { t1: 'hc' } });
    const error = await readFailure(wrong.read(NOW));
    expect(error.message).toBe('meter linky: Eco-devices answer unusable: T1_HCHC is missing from the answer');
  });

  it('refuses at creation two inputs writing the same value', async () => {
    const sim = await simulator();
    expect(() => meter(sim, { c1: { channel: 't1', value: 'energy_import_wh', scale: 1 } })).toThrow(
      'meter linky: config.c1: t1.energy_import_wh is already reported by another input',
    );
  });
});
