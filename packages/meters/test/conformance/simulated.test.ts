import { driverSuite } from '../driver-suite.js';

// No device: the household is computed. Failing: fault injection fails every read (the last 1 s of every 1 s).
driverSuite('simulated', {
  working: async () => ({ config: { seed: 3, pv_kwp: 4 }, stop: async () => {} }),
  failing: async () => ({ config: { seed: 3, fail: { every_s: 1, for_s: 1 } }, stop: async () => {} }),
});
