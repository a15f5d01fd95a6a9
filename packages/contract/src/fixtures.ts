import type { Info, Reading } from './schemas/index.js';

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

/** A valid Info of the same site: one meter with a grid and a production channel. */
export const exampleInfo = (): Info => ({
  v: 1,
  site: 'house-12',
  ts: 1763800000000,
  name: 'House 12',
  timezone: 'Europe/Brussels',
  tags: { city: 'Brussels', postcode: '1000' },
  meters: [
    {
      id: 'main',
      driver: 'modbus',
      interval_ms: 1000,
      channels: [
        { id: 'grid', role: 'grid' },
        { id: 'pv', role: 'production' },
      ],
    },
  ],
});
