/**
 * Appliance ground truth for evaluating appliance recognition: a household made only of known appliances, each a
 * set of on/off components with seeded powers, durations and schedules, sampled once a second. The learning code
 * never reads this: it sees only `power_w`; the bench scores it against `events` and `energy_wh`.
 */
import { gaussian, prng } from './prng.js';

export const APPLIANCE_NAMES = ['fridge', 'kettle', 'washing_machine', 'oven', 'ev_charger'] as const;
export type ApplianceName = (typeof APPLIANCE_NAMES)[number];

/** One step of one appliance's component: +power when it switches on, -power when it switches off. */
export interface TruthEvent {
  /** Seconds since the start of the series. */
  t_s: number;
  appliance: ApplianceName;
  delta_w: number;
}

export interface ApplianceTruth {
  start_ms: number;
  /** Whole-household power, W, one value per second (standby + appliances + noise). */
  power_w: Float64Array;
  /** Every on and off step, ordered by time. */
  events: TruthEvent[];
  /** Energy drawn by each appliance over the whole series, Wh. */
  energy_wh: Record<ApplianceName, number>;
  standby_w: number;
}

interface Run {
  appliance: ApplianceName;
  from_s: number;
  to_s: number;
  power_w: number;
}

const DAY_S = 86_400;
const MIN_S = 60;

/** Runs of every appliance on one day (`day` counted from the start), in seconds since the start. */
function dayRuns(random: () => number, day: number, household: HouseholdPowers, weekday: number): Run[] {
  const runs: Run[] = [];
  const at = (hour: number) => day * DAY_S + Math.round(hour * 3600);
  const add = (appliance: ApplianceName, from_s: number, dur_s: number, power_w: number) => {
    const from = Math.round(from_s);
    runs.push({ appliance, from_s: from, to_s: from + Math.max(1, Math.round(dur_s)), power_w });
  };
  // Kettle: breakfast, afternoon, evening, each on most days.
  for (const [hour, p] of [
    [7, 0.9],
    [15.5, 0.5],
    [20, 0.6],
  ] as const) {
    if (random() < p) add('kettle', at(hour + random() * 1.5), (2 + random() * 2) * MIN_S, household.kettle);
  }
  // Washing machine: heater phase, then the motor for the rest of the cycle; more often at the weekend.
  if (random() < (weekday >= 5 ? 0.7 : 0.3)) {
    const start = at(8 + random() * 10);
    add('washing_machine', start, (70 + random() * 30) * MIN_S, household.washerMotor);
    add('washing_machine', start + 3 * MIN_S, (15 + random() * 5) * MIN_S, household.washerHeater);
  }
  // Oven: preheat, then thermostat cycling, most evenings.
  if (random() < 0.6) {
    let t = at(17.5 + random() * 1.5);
    const end = t + (40 + random() * 30) * MIN_S;
    add('oven', t, 10 * MIN_S, household.oven);
    t += 10 * MIN_S;
    while (t < end) {
      t += (2 + random() * 2) * MIN_S;
      const on = (1 + random()) * MIN_S;
      add('oven', t, on, household.oven);
      t += on;
    }
  }
  // EV charger: an evening session on some days.
  if (random() < 0.45) add('ev_charger', at(18 + random() * 4), (1.5 + random() * 2.5) * 3600, household.ev);
  return runs;
}

interface HouseholdPowers {
  standby: number;
  fridge: number;
  kettle: number;
  washerMotor: number;
  washerHeater: number;
  oven: number;
  ev: number;
}

function householdPowers(random: () => number): HouseholdPowers {
  return {
    standby: 60 + random() * 60,
    fridge: 90 + random() * 40,
    kettle: 1850 + random() * 350,
    washerMotor: 180 + random() * 80,
    washerHeater: 1900 + random() * 300,
    oven: 2300 + random() * 500,
    ev: random() < 0.5 ? 3600 + random() * 200 : 7200 + random() * 200,
  };
}

/** The fridge compressor all along the series: a seeded duty cycle with some jitter per cycle. */
function fridgeRuns(random: () => number, seconds: number, power: number): Run[] {
  const runs: Run[] = [];
  const onMin = 10 + random() * 8;
  const offMin = 25 + random() * 15;
  for (let t = Math.floor(random() * offMin * MIN_S); t < seconds; ) {
    const on = onMin * MIN_S * (0.85 + 0.3 * random());
    runs.push({ appliance: 'fridge', from_s: t, to_s: Math.min(seconds, t + Math.round(on)), power_w: power });
    t += Math.round(on + offMin * MIN_S * (0.85 + 0.3 * random()));
  }
  return runs;
}

/** `days` days of one household from `start_ms` (the start of a local day, UTC here), reproducible from `seed`. */
export function applianceTruth(seed: number, start_ms: number, days: number): ApplianceTruth {
  const random = prng(seed);
  const household = householdPowers(random);
  const seconds = days * DAY_S;
  const runs = fridgeRuns(random, seconds, household.fridge);
  for (let day = 0; day < days; day++) {
    const weekday = (new Date(start_ms + day * DAY_S * 1000).getUTCDay() + 6) % 7;
    runs.push(...dayRuns(random, day, household, weekday).filter((r) => r.from_s < seconds));
  }

  const delta = new Float64Array(seconds + 1);
  const events: TruthEvent[] = [];
  const energy_wh = Object.fromEntries(APPLIANCE_NAMES.map((n) => [n, 0])) as Record<ApplianceName, number>;
  for (const run of runs) {
    const to = Math.min(seconds, run.to_s);
    delta[run.from_s] = (delta[run.from_s] ?? 0) + run.power_w;
    delta[to] = (delta[to] ?? 0) - run.power_w;
    events.push({ t_s: run.from_s, appliance: run.appliance, delta_w: run.power_w });
    if (to < seconds) events.push({ t_s: to, appliance: run.appliance, delta_w: -run.power_w });
    energy_wh[run.appliance] += (run.power_w * (to - run.from_s)) / 3600;
  }
  events.sort((a, b) => a.t_s - b.t_s);

  const power_w = new Float64Array(seconds);
  let level = 0;
  for (let s = 0; s < seconds; s++) {
    level += delta[s] ?? 0;
    const drift = 10 * Math.sin((2 * Math.PI * s) / (5 * 3600));
    const noise = 0.01 * level * gaussian(random) + 3 * gaussian(random);
    power_w[s] = Math.max(0, Math.round((household.standby + drift + level + noise) * 10) / 10);
  }
  return { start_ms, power_w, events, energy_wh, standby_w: household.standby };
}
