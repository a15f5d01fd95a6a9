/**
 * Voltage half of the bench: per simulated site, train on weeks 1–3, then forecast every hour of week 4 from the
 * hours before it, and compare with "same hour yesterday".
 */
import { type FeederHour, feederHours } from '@wattbus/simulators/household';
import { HOUR_MS, type SiteHour, VoltageForecaster } from '../src/index.js';
import { add, type Counts, counts, mean, tally } from './scores.js';

const DAY_MS = 24 * HOUR_MS;
const HORIZON_H = 6;

export interface VoltageScores {
  sites: number;
  excursion_hours: number;
  episodes: number;
  model: Counts;
  baseline: Counts;
  /** Mean hours of warning before an episode's first hour, over the episodes warned at all. */
  model_lead_h: number;
  baseline_lead_h: number;
  model_warned: number;
  baseline_warned: number;
  statuses: string[];
}

const excursion = (h: FeederHour) => h.voltage_v.max > 253 || h.voltage_v.min < 207;

export function benchVoltage(seeds: readonly number[], start_ms: number, withTemperature: boolean): VoltageScores {
  const total: VoltageScores = {
    sites: seeds.length,
    excursion_hours: 0,
    episodes: 0,
    model: counts(),
    baseline: counts(),
    model_lead_h: 0,
    baseline_lead_h: 0,
    model_warned: 0,
    baseline_warned: 0,
    statuses: [],
  };
  const modelLeads: number[] = [];
  const baselineLeads: number[] = [];
  for (const seed of seeds) {
    const truth = feederHours({ seed, start_ms, days: 28 });
    const hours: SiteHour[] = truth.map((h) => ({
      start_ms: h.start_ms,
      voltage_v: h.voltage_v,
      production_wh: h.production_wh,
      temperature_c: withTemperature ? h.temperature_c : null,
    }));
    const testStart = start_ms + 21 * DAY_MS;
    const forecaster = new VoltageForecaster({ has_pv: true, horizon_h: HORIZON_H });
    total.statuses.push(forecaster.train(hours.filter((h) => h.start_ms < testStart)).status);
    const actual = new Map(truth.map((h) => [h.start_ms, excursion(h)]));

    // expected.get(issue)?.get(target): the model's call for `target` made at `issue`.
    const expected = new Map<number, Map<number, boolean>>();
    const model = counts();
    const baseline = counts();
    for (let issue = testStart; issue < start_ms + 28 * DAY_MS; issue += HOUR_MS) {
      const seen = hours.filter((h) => h.start_ms < issue && h.start_ms >= issue - 2 * DAY_MS);
      const calls = new Map<number, boolean>();
      for (const f of forecaster.forecast(seen, issue).hours) {
        if (!actual.has(f.start_ms)) continue;
        calls.set(f.start_ms, f.expected);
        tally(model, f.expected, actual.get(f.start_ms) === true);
        tally(baseline, actual.get(f.start_ms - DAY_MS) === true, actual.get(f.start_ms) === true);
      }
      expected.set(issue, calls);
    }
    add(total.model, model);
    add(total.baseline, baseline);

    for (let t = testStart + HORIZON_H * HOUR_MS; t < start_ms + 28 * DAY_MS; t += HOUR_MS) {
      if (!actual.get(t)) continue;
      total.excursion_hours++;
      if (actual.get(t - HOUR_MS)) continue;
      total.episodes++;
      // The earliest issue that flagged the episode's first hour: its lead is the warning given.
      let lead = 0;
      for (let l = HORIZON_H; l >= 1 && lead === 0; l--) if (expected.get(t - l * HOUR_MS)?.get(t)) lead = l;
      if (lead > 0) modelLeads.push(lead);
      // Yesterday's hour is known a day ahead; within the forecast horizon that is the whole horizon.
      if (actual.get(t - DAY_MS)) baselineLeads.push(HORIZON_H);
    }
  }
  total.model_warned = modelLeads.length;
  total.baseline_warned = baselineLeads.length;
  total.model_lead_h = mean(modelLeads);
  total.baseline_lead_h = mean(baselineLeads);
  return total;
}
