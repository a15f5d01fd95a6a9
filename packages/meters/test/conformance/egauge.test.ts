import { EgaugeSimulator } from '@wattbus/simulators/egauge';
import { freePort } from '@wattbus/testkit';
import { driverSuite, HANG_TIMEOUT_MS, type SimulatedDevice } from '../driver-suite.js';

async function egauge(timeoutMs = 2000): Promise<EgaugeSimulator & { device: SimulatedDevice }> {
  const sim = new EgaugeSimulator({
    registers: [
      { name: 'Grid', type: 'P', rate: 1500 },
      { name: 'L1 Voltage', type: 'V', rate: 230.4 },
    ],
  });
  await sim.start();
  const config = { url: sim.url, registers: ['Grid=P', 'L1 Voltage=V'], timeout_ms: timeoutMs };
  return Object.assign(sim, { device: { config, stop: () => sim.stop() } });
}

driverSuite('egauge', {
  working: async () => (await egauge()).device,
  // Nothing listens on that port: the connection is refused.
  failing: async () => ({
    config: { url: `http://127.0.0.1:${await freePort()}`, registers: ['Grid=P'] },
    stop: async () => {},
  }),
  hanging: async () => {
    const sim = await egauge(HANG_TIMEOUT_MS);
    sim.inject('timeout', 10);
    return sim.device;
  },
});
