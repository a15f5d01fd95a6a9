import type { Reading } from './schemas/index.js';

/** A valid Reading, as in DESIGN.md; tests and benchmarks start from it. */
export const exampleReading = (): Reading => ({
  v: 1,
  site: 'house-12',
  meter: 'main',
  channel: 'grid',
  role: 'grid',
  seq: 1042,
  ts: 1763800000000,
  values: { power_w: 1234.5, energy_import_wh: 1200345, voltage_v_l1: 231.2 },
  labels: { tariff: 'HP' },
});
