/** One simulated household of the demo: who it is, where, and how its simulated meter behaves. */
export interface Household {
  /** Site id (topic level). */
  id: string;
  name: string;
  city: string;
  postcode: string;
  lat: number;
  lon: number;
  timezone: string;
  /** Simulated driver settings (packages/meters/src/simulated/config.ts). */
  seed: number;
  base_w: number;
  pv_kwp: number;
  /** Fault injection: the meter does not answer during the last `for_s` of every `every_s` seconds. */
  fail?: { every_s: number; for_s: number };
}

/** Poll interval of every demo meter: one reading per channel per second. */
export const DEMO_INTERVAL_MS = 1000;

/**
 * Three different homes: a small flat without PV, a terraced house with 3.5 kWp whose meter drops out for
 * 20 s every 2 minutes (so the alerter raises a missing-data alert), and a detached house with 6 kWp.
 */
export const HOUSEHOLDS: readonly Household[] = [
  {
    id: 'flat-brussels',
    name: '2nd-floor flat, no PV',
    city: 'Brussels',
    postcode: '1050',
    lat: 50.8275,
    lon: 4.3719,
    timezone: 'Europe/Brussels',
    seed: 11,
    base_w: 90,
    pv_kwp: 0,
  },
  {
    id: 'house-liege',
    name: 'Terraced house, 3.5 kWp PV',
    city: 'Liège',
    postcode: '4000',
    lat: 50.6326,
    lon: 5.5797,
    timezone: 'Europe/Brussels',
    seed: 23,
    base_w: 160,
    pv_kwp: 3.5,
    fail: { every_s: 120, for_s: 20 },
  },
  {
    id: 'house-ghent',
    name: 'Detached house, 6 kWp PV',
    city: 'Ghent',
    postcode: '9000',
    lat: 51.0543,
    lon: 3.7174,
    timezone: 'Europe/Brussels',
    seed: 37,
    base_w: 240,
    pv_kwp: 6,
  },
];
