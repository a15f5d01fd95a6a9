import { FluksoHttpSimulator, FluksoSimulator } from '@wattbus/simulators/flukso';
import { freePort, type MosquittoHandle, startMosquitto } from '@wattbus/testkit';
import { afterAll, beforeAll } from 'vitest';
import { driverSuite, HANG_TIMEOUT_MS, type SimulatedDevice } from '../driver-suite.js';

const L1 = '5e1c27d4b04e4f1c9d0a7f3e2b6c8d10';
const PV = 'c0ffee00c0ffee00c0ffee00c0ffee00';
const SENSORS = [
  { id: L1, channel: 'grid', phase: 'l1' },
  { id: PV, channel: 'production', factor: -1 },
];

// The Fluksometer's own broker, played by mosquitto as on the device.
let broker: MosquittoHandle;
beforeAll(async () => {
  broker = await startMosquitto();
});
afterAll(async () => {
  await broker?.stop();
});

driverSuite(
  'flukso',
  {
    working: async () => {
      const sim = new FluksoSimulator({
        url: broker.url,
        sensors: [
          { id: L1, power: 1200, counterWh: 4_000_000 },
          { id: PV, power: 2000, counterWh: 500_000 },
        ],
      });
      await sim.start();
      sim.run(100);
      return { config: { url: broker.url, sensors: SENSORS }, stop: () => sim.stop() };
    },
    // The broker answers but no Fluksometer publishes: open waits first_data_ms, then every channel has failed.
    failing: async () => ({ config: { url: broker.url, sensors: SENSORS, first_data_ms: 100 }, stop: async () => {} }),
  },
  'mqtt',
);

async function fluksometerHttp(timeoutMs: number): Promise<FluksoHttpSimulator & { device: SimulatedDevice }> {
  const sim = new FluksoHttpSimulator({
    sensors: [
      { id: L1, power: 1200 },
      { id: PV, power: 2000 },
    ],
  });
  await sim.start();
  const config = { url: sim.url, sensors: SENSORS, connect_timeout_ms: timeoutMs };
  return Object.assign(sim, { device: { config, stop: () => sim.stop() } });
}

driverSuite(
  'flukso',
  {
    working: async () => (await fluksometerHttp(2000)).device,
    // Nothing listens on that port: the connection is refused.
    failing: async () => ({
      config: { url: `http://127.0.0.1:${await freePort()}`, sensors: SENSORS },
      stop: async () => {},
    }),
    hanging: async () => {
      const sim = await fluksometerHttp(HANG_TIMEOUT_MS);
      sim.inject('timeout', 10);
      return sim.device;
    },
  },
  'http',
);
