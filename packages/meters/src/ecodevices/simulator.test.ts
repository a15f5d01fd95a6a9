import { readFileSync } from 'node:fs';
import { EcodevicesSimulator } from '@wattbus/simulators/ecodevices';
import { afterEach, describe, expect, it } from 'vitest';

const sims: EcodevicesSimulator[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.stop()));
});

describe('EcodevicesSimulator', () => {
  it('answers cmd=10 with the fields of the captured answer, in its order', async () => {
    const sim = new EcodevicesSimulator();
    sims.push(sim);
    await sim.start();
    const response = await fetch(`${sim.url}/api/xdevices.json?cmd=10`);
    expect(response.headers.get('content-type')).toBe('application/json');
    const captured = readFileSync(new URL('./fixtures/cmd10-base.json', import.meta.url), 'utf8');
    expect(await response.text()).toBe(JSON.stringify(JSON.parse(captured)));
    expect((await fetch(`${sim.url}/api/xdevices.json?cmd=20`)).status).toBe(404);
  });

  it('counts energy from the apparent power as time runs', () => {
    const sim = new EcodevicesSimulator({
      state: {
        product: 'Eco-devices',
        t1: { ptec: 'HP..', papp: 1800, indexes: { HCHP: 100, HCHC: 50 } },
        c1: 0,
        c2: 0,
      },
    });
    sim.run(3600);
    expect(sim.fields()).toMatchObject({ T1_HCHP: 1900, T1_HCHC: 50, T2_PTEC: '----', T2_BASE: 0 });
  });
});
