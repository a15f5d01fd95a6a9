/**
 * Appliance half of the bench: per simulated household, learn signatures on weeks 1–3 and label each signature
 * with the true appliance most of its training runs belong to (the only use of the truth before scoring), then
 * score week 4: event detection F1 against the true on/off steps, and each appliance's energy per day against
 * the truth. The baseline is "everything is one appliance": on while the power is above its idle level.
 */
import { APPLIANCE_NAMES, type ApplianceName, applianceTruth, type TruthEvent } from '@wattbus/simulators/household';
import { ApplianceModel, type RunAssignment, recognise, type StepEvent } from '../src/index.js';
import { add, type Counts, counts } from './scores.js';

const DAY_S = 86_400;
const TOLERANCE_S = 3;

export interface ApplianceScores {
  households: number;
  model: Counts;
  baseline: Counts;
  /** Per appliance, relative energy errors (|estimate − truth| / truth) of the households that use it. */
  model_error: Record<ApplianceName, number[]>;
  baseline_error: Record<ApplianceName, number[]>;
  signatures: number[];
}

/** Detected events matched one-to-one with true steps of the same sign within TOLERANCE_S seconds. */
function score(detected: readonly { t_s: number; delta_w: number }[], truth: readonly TruthEvent[]): Counts {
  const c = counts();
  const used = new Set<number>();
  let from = 0;
  for (const d of detected) {
    while (from < truth.length && (truth[from] as TruthEvent).t_s < d.t_s - TOLERANCE_S) from++;
    let match = -1;
    for (let k = from; k < truth.length && (truth[k] as TruthEvent).t_s <= d.t_s + TOLERANCE_S && match < 0; k++) {
      if (!used.has(k) && Math.sign((truth[k] as TruthEvent).delta_w) === Math.sign(d.delta_w)) match = k;
    }
    if (match >= 0) {
      used.add(match);
      c.tp++;
    } else c.fp++;
  }
  c.fn = truth.length - used.size;
  return c;
}

/** Energy each appliance drew in [from_s, to_s), Wh, from its steps. */
function trueEnergy(events: readonly TruthEvent[], from_s: number, to_s: number): Record<ApplianceName, number> {
  const level = Object.fromEntries(APPLIANCE_NAMES.map((n) => [n, 0])) as Record<ApplianceName, number>;
  const energy = { ...level };
  let t = from_s;
  for (const e of [...events.filter((x) => x.t_s < to_s), { t_s: to_s, appliance: 'fridge' as const, delta_w: 0 }]) {
    if (e.t_s > t && e.t_s > from_s) {
      const span = e.t_s - Math.max(t, from_s);
      for (const n of APPLIANCE_NAMES) energy[n] += (level[n] * span) / 3600;
      t = e.t_s;
    }
    level[e.appliance] += e.delta_w;
  }
  return energy;
}

/** The naive household: one appliance, on while power is over the idle level (5th percentile + 60 W) for 5 s. */
function oneApplianceEvents(power: Float64Array, from: number, to: number, idle: number): StepEvent[] {
  const events: StepEvent[] = [];
  let on = false;
  let streak = 0;
  for (let s = from; s < to; s++) {
    if ((power[s] as number) > idle + 60 !== on) streak++;
    else streak = 0;
    if (streak === 5) {
      on = !on;
      streak = 0;
      events.push({ t_s: s - 4, delta_w: on ? 1 : -1, before_w: 0 });
    }
  }
  return events;
}

export function benchAppliances(seeds: readonly number[], start_ms: number): ApplianceScores {
  const result: ApplianceScores = {
    households: seeds.length,
    model: counts(),
    baseline: counts(),
    model_error: Object.fromEntries(APPLIANCE_NAMES.map((n) => [n, []])) as unknown as Record<ApplianceName, number[]>,
    baseline_error: Object.fromEntries(APPLIANCE_NAMES.map((n) => [n, []])) as unknown as Record<
      ApplianceName,
      number[]
    >,
    signatures: [],
  };
  for (const seed of seeds) {
    const truth = applianceTruth(seed, start_ms, 28);
    const model = new ApplianceModel();
    const trainRuns: RunAssignment[] = [];
    const testRuns: RunAssignment[] = [];
    const testEvents: StepEvent[] = [];
    for (let day = 0; day < 28; day++) {
      const block = truth.power_w.subarray(day * DAY_S, (day + 1) * DAY_S);
      const r = recognise(model, block, start_ms + day * DAY_S * 1000);
      (day < 21 ? trainRuns : testRuns).push(...r.runs);
      if (day >= 21) testEvents.push(...r.events.map((e) => ({ ...e, t_s: e.t_s + day * DAY_S })));
    }
    result.signatures.push(model.toJSON().signatures.length);
    const testFrom = 21 * DAY_S;
    const testTruth = truth.events.filter((e) => e.t_s >= testFrom);
    add(result.model, score(testEvents, testTruth));

    // Label signatures from the training weeks: the appliance of the true on-step nearest each run's start.
    const votes = new Map<string, Map<ApplianceName, number>>();
    const ons = truth.events.filter((e) => e.delta_w > 0);
    for (const run of trainRuns) {
      const t = (run.on_ms - start_ms) / 1000;
      const hit = ons.find((e) => Math.abs(e.t_s - t) <= TOLERANCE_S);
      if (!hit) continue;
      const v = votes.get(run.signature) ?? new Map<ApplianceName, number>();
      v.set(hit.appliance, (v.get(hit.appliance) ?? 0) + 1);
      votes.set(run.signature, v);
    }
    const label = (signature: string) =>
      [...(votes.get(signature) ?? new Map()).entries()].sort((a, b) => b[1] - a[1])[0]?.[0] as
        | ApplianceName
        | undefined;

    const days = 7;
    const actual = trueEnergy(truth.events, testFrom, 28 * DAY_S);
    const estimate = Object.fromEntries(APPLIANCE_NAMES.map((n) => [n, 0])) as Record<ApplianceName, number>;
    for (const run of testRuns) {
      const name = label(run.signature);
      if (name) estimate[name] += (run.step_w * (run.off_ms - run.on_ms)) / 3_600_000;
    }

    // Baseline: all energy above the idle level is one appliance's, labelled (generously) as the appliance with
    // the most energy in the training weeks.
    const test = truth.power_w.subarray(testFrom);
    const idle = Float64Array.from(test).sort()[Math.floor(0.05 * test.length)] as number;
    const aboveIdle = test.reduce((a, p) => a + Math.max(0, p - idle), 0) / 3600;
    const trainEnergy = trueEnergy(truth.events, 0, testFrom);
    const biggest = APPLIANCE_NAMES.reduce((a, b) => (trainEnergy[b] > trainEnergy[a] ? b : a));
    add(result.baseline, score(oneApplianceEvents(truth.power_w, testFrom, 28 * DAY_S, idle), testTruth));

    for (const n of APPLIANCE_NAMES) {
      if (actual[n] <= 0) continue;
      result.model_error[n].push(Math.abs(estimate[n] / days - actual[n] / days) / (actual[n] / days));
      result.baseline_error[n].push(Math.abs((n === biggest ? aboveIdle : 0) - actual[n]) / actual[n]);
    }
  }
  return result;
}
