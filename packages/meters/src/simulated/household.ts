/**
 * A synthetic household as a pure function of time: the same (params, t_ms) always gives the same sample,
 * with no hidden state. Randomness comes from hashing the seed with a time slot (see random.ts).
 *
 * Times of day are local mean solar time (UTC shifted by longitude / 15 h), so the evening peak follows the
 * site rather than a hard-coded time zone.
 */
import { solarElevationDeg } from '@wattbus/solar';
import { rand, signedRand, valueNoise } from './random.js';

export interface HouseholdParams {
  seed: number;
  /** Mean base load (standby + fridge cycling), W. */
  base_w: number;
  /** PV peak power, kWp; 0 for none. */
  pv_kwp: number;
  latitude: number;
  longitude: number;
}

/** One instant of the household, rounded as published: powers to 0.1 W, voltage 0.1 V, frequency 0.01 Hz. */
export interface HouseholdSample {
  /** What the household draws, W, >= 0 (> 0 unless base_w is 0). */
  consumption_w: number;
  /** PV output, W, <= 0 (contract convention: production is negative). 0 without PV or at night. */
  production_w: number;
  /** consumption_w + production_w: import positive, export negative. */
  grid_w: number;
  voltage_v: number;
  frequency_hz: number;
}

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
/** Share of the PV peak power that reaches the meter (inverter, wiring, temperature, soiling). */
const PV_EFFICIENCY = 0.8;

// One stream id per independent random quantity; appliances use `stream .. stream + 3`.
const STREAM = {
  fridgePeriod: 1,
  fridgePhase: 2,
  noiseRel: 3,
  noiseAbs: 4,
  lights: 5,
  tvOn: 6,
  tvStart: 7,
  tvEnd: 8,
  tvPower: 9,
  cloudDay: 10,
  cloudSlot: 11,
  cloudDepth: 12,
  pvNoise: 13,
  voltageSlow: 14,
  voltageFast: 15,
  frequencySlow: 16,
  frequencyFast: 17,
} as const;

// `+ 0` turns a -0 into 0.
const round1 = (x: number) => Math.round(x * 10) / 10 + 0;
const round2 = (x: number) => Math.round(x * 100) / 100 + 0;
const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
const mod = (x: number, m: number) => ((x % m) + m) % m;

/** Local mean solar time, ms since the epoch shifted by the longitude. */
function localMs(t_ms: number, longitude: number): number {
  return t_ms + (longitude / 15) * HOUR;
}

/** Chance that someone is up and about (lights on when dark), by local hour 0..24, interpolated. */
const OCCUPANCY = [
  0.05, 0.03, 0.03, 0.03, 0.03, 0.1, 0.5, 0.9, 0.7, 0.4, 0.35, 0.35, 0.45, 0.4, 0.35, 0.35, 0.5, 0.8, 1, 1, 1, 0.95,
  0.8, 0.4, 0.05,
];

function occupancy(hour: number): number {
  const i = Math.floor(hour);
  const a = OCCUPANCY[i] ?? 0;
  const b = OCCUPANCY[i + 1] ?? a;
  return a + (b - a) * (hour - i);
}

/** Probability table by local hour of a block's start: `[from, to, p]`, first match wins, else 0. */
type Schedule = readonly (readonly [from: number, to: number, p: number])[];

interface Appliance {
  stream: number;
  /** Time slot in which at most one run happens. */
  blockMin: number;
  /** Run length range, minutes (inclusive); at most blockMin. */
  durMin: readonly [number, number];
  schedule: Schedule;
  /** Draw in W at `since` ms into a run of `dur` ms; `r` is random per run. */
  draw(since: number, dur: number, r: number): number;
}

const APPLIANCES: readonly Appliance[] = [
  {
    // kettle: ~2 kW for a few minutes, mostly at breakfast
    stream: 100,
    blockMin: 20,
    durMin: [2, 4],
    schedule: [
      [6, 9, 0.35],
      [9, 12, 0.08],
      [12, 14, 0.15],
      [14, 17, 0.08],
      [17, 22, 0.15],
      [22, 24, 0.04],
      [0, 6, 0.005],
    ],
    draw: (_since, _dur, r) => 1850 + 350 * r,
  },
  {
    // microwave
    stream: 110,
    blockMin: 30,
    durMin: [1, 5],
    schedule: [
      [7, 9, 0.1],
      [12, 13.5, 0.35],
      [17.5, 20, 0.15],
      [9, 23, 0.03],
    ],
    draw: (_since, _dur, r) => 1000 + 300 * r,
  },
  {
    // cooker and oven: preheat, then thermostat cycling; mainly dinner
    stream: 120,
    blockMin: 90,
    durMin: [25, 70],
    schedule: [
      [16.5, 19.5, 0.55],
      [12, 13.5, 0.2],
      [7.5, 9, 0.05],
    ],
    draw: (since, _dur, r) => {
      if (since < 10 * MINUTE) return 2400 + 600 * r;
      return since % 120_000 < 66_000 ? 2150 : 150;
    },
  },
  {
    // washing machine: heating, tumbling, spin
    stream: 130,
    blockMin: 180,
    durMin: [80, 130],
    schedule: [
      [6, 18, 0.18],
      [18, 21, 0.15],
      [21, 24, 0.04],
    ],
    draw: (since, dur) => {
      if (since < 15 * MINUTE) return 2100;
      if (since > dur - 12 * MINUTE) return 500;
      return Math.floor(since / 30_000) % 2 === 0 ? 250 : 150;
    },
  },
  {
    // dishwasher: wash heating, circulation, rinse heating; mostly after dinner
    stream: 140,
    blockMin: 180,
    durMin: [100, 160],
    schedule: [
      [21, 24, 0.45],
      [18, 21, 0.2],
      [12, 15, 0.08],
    ],
    draw: (since, dur) => {
      if (since < 20 * MINUTE) return 1900;
      if (since > dur - 35 * MINUTE && since < dur - 20 * MINUTE) return 1900;
      return 90;
    },
  },
];

function chance(schedule: Schedule, hour: number): number {
  for (const [from, to, p] of schedule) if (hour >= from && hour < to) return p;
  return 0;
}

/** What one appliance draws at local time `local` (0 when off). */
function applianceDraw(a: Appliance, seed: number, local: number): number {
  const blockMs = a.blockMin * MINUTE;
  const block = Math.floor(local / blockMs);
  const blockStart = block * blockMs;
  if (rand(seed, a.stream, block) >= chance(a.schedule, mod(blockStart, DAY) / HOUR)) return 0;
  const [minDur, maxDur] = a.durMin;
  const durMin = minDur + Math.floor(rand(seed, a.stream + 1, block) * (maxDur - minDur + 1));
  const offsetMin = Math.floor(rand(seed, a.stream + 2, block) * (a.blockMin - durMin + 1));
  const since = local - blockStart - offsetMin * MINUTE;
  const dur = durMin * MINUTE;
  if (since < 0 || since >= dur) return 0;
  return a.draw(since, dur, rand(seed, a.stream + 3, block));
}

/** Standby plus a fridge compressor cycling with a seeded period; averages base_w. */
function baseLoad(t_ms: number, p: HouseholdParams): number {
  const periodMs = (35 + 25 * rand(p.seed, STREAM.fridgePeriod, 0)) * MINUTE;
  const phase = rand(p.seed, STREAM.fridgePhase, 0) * periodMs;
  const compressorOn = mod(t_ms + phase, periodMs) < 0.4 * periodMs;
  const slow = 1 + 0.05 * Math.sin((2 * Math.PI * t_ms) / (6 * HOUR));
  return p.base_w * (0.7 * slow + (compressorOn ? 0.75 : 0));
}

/** Lights (when occupied and dark) and the evening TV. */
function livingLoad(local: number, elevationDeg: number, seed: number): number {
  const day = Math.floor(local / DAY);
  const hour = mod(local, DAY) / HOUR;
  const darkness = clamp((8 - elevationDeg) / 14, 0.1, 1);
  const lights = (80 + 220 * rand(seed, STREAM.lights, day)) * occupancy(hour) * darkness;
  let tv = 0;
  if (rand(seed, STREAM.tvOn, day) < 0.85) {
    const start = 18.5 + 1.5 * rand(seed, STREAM.tvStart, day);
    const end = 22 + 1.5 * rand(seed, STREAM.tvEnd, day);
    if (hour >= start && hour < end) tv = 90 + 80 * rand(seed, STREAM.tvPower, day);
  }
  return lights + tv;
}

/** How much of the clear-sky PV output gets through: a seeded cloudiness per day with passing clouds. */
function cloudFactor(t_ms: number, local: number, seed: number): number {
  const slotMs = 10 * MINUTE;
  const dip = (slot: number): number => {
    const cloudiness = rand(seed, STREAM.cloudDay, Math.floor((slot * slotMs) / DAY));
    if (rand(seed, STREAM.cloudSlot, slot) >= 0.9 * cloudiness) return 0;
    return 0.3 + 0.6 * rand(seed, STREAM.cloudDepth, slot);
  };
  const pos = local / slotMs;
  const slot = Math.floor(pos);
  const f = pos - slot;
  const ease = f * f * (3 - 2 * f);
  const d0 = dip(slot);
  const depth = d0 + (dip(slot + 1) - d0) * ease;
  const cloudiness = rand(seed, STREAM.cloudDay, Math.floor(local / DAY));
  return (1 - 0.45 * cloudiness * cloudiness) * (1 - depth) * (1 + 0.005 * signedRand(seed, STREAM.pvNoise, t_ms));
}

/** PV output in W (positive here; negated in the sample). */
function pvOutput(t_ms: number, local: number, elevationDeg: number, p: HouseholdParams): number {
  if (p.pv_kwp <= 0 || elevationDeg <= 0) return 0;
  const sinE = Math.sin((elevationDeg * Math.PI) / 180);
  const clearSky = sinE ** 0.8 * (1 - Math.exp(-elevationDeg / 3));
  return p.pv_kwp * 1000 * PV_EFFICIENCY * clearSky * cloudFactor(t_ms, local, p.seed);
}

/** The household at `t_ms` (ms since the epoch, UTC). Pure and deterministic. */
export function householdPower(t_ms: number, params: HouseholdParams): HouseholdSample {
  const { seed } = params;
  const local = localMs(t_ms, params.longitude);
  const elevation = solarElevationDeg(t_ms, params.latitude, params.longitude);

  let load = baseLoad(t_ms, params) + livingLoad(local, elevation, seed);
  for (const appliance of APPLIANCES) load += applianceDraw(appliance, seed, local);
  load = load * (1 + 0.01 * signedRand(seed, STREAM.noiseRel, t_ms)) + 1.5 * signedRand(seed, STREAM.noiseAbs, t_ms);
  const consumption_w = round1(Math.max(0, load));

  const pv = pvOutput(t_ms, local, elevation, params);
  // `0 - x` rather than `-x` so that no production is +0, not -0.
  const production_w = pv >= 0.5 ? 0 - round1(pv) : 0;
  const grid_w = round1(consumption_w + production_w);

  const voltage =
    230 +
    2.5 * valueNoise(seed, STREAM.voltageSlow, t_ms, 10 * MINUTE) +
    valueNoise(seed, STREAM.voltageFast, t_ms, 15_000) -
    clamp(0.0012 * grid_w, -4, 4);
  const frequency =
    50 +
    0.025 * valueNoise(seed, STREAM.frequencySlow, t_ms, 5 * MINUTE) +
    0.012 * valueNoise(seed, STREAM.frequencyFast, t_ms, 10_000);

  return {
    consumption_w,
    production_w,
    grid_w,
    voltage_v: round1(clamp(voltage, 222, 238)),
    frequency_hz: round2(clamp(frequency, 49.95, 50.05)),
  };
}
