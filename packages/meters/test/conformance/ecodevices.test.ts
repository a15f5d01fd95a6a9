import { EcodevicesSimulator } from '@wattbus/simulators/ecodevices';
import { freePort } from '@wattbus/testkit';
import { driverSuite, HANG_TIMEOUT_MS, type SimulatedDevice } from '../driver-suite.js';

async function ecodevices(timeoutMs = 2000): Promise<EcodevicesSimulator & { device: SimulatedDevice }> {
  const sim = new EcodevicesSimulator();
  await sim.start();
  const config = { url: sim.url, teleinfo: ['t1'], timeout_ms: timeoutMs };
  return Object.assign(sim, { device: { config, stop: () => sim.stop() } });
}

driverSuite('ecodevices', {
  working: async () => (await ecodevices()).device,
  // Nothing listens on that port: the connection is refused.
  failing: async () => ({ config: { url: `http://127.0.0.1:${await freePort()}` }, stop: async () => {} }),
  hanging: async () => {
    const sim = await ecodevices(HANG_TIMEOUT_MS);
    sim.inject('timeout', 10);
    return sim.device;
  },
});
