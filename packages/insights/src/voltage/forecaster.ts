/**
 * Per-site voltage-excursion forecaster: two logistic models (over and under the band) learnt from the site's
 * own hours, each target hour seen from every lead in the horizon, so a forecast 1 h ahead and one 6 h ahead are
 * both trained for. The decision threshold is the one with the best F1 on the training hours. The whole model is
 * JSON; a site with too little history, or none with voltage, gets a status instead of a forecast.
 */
import { type FeatureContext, featureRow, isTimeZone } from './features.js';
import { byStart, EN_50160, HOUR_MS, type SiteHour, type VoltageBand } from './hours.js';
import { fitLogistic, type LogisticModel, probability } from './logistic.js';

export interface ForecasterOptions {
  band?: VoltageBand;
  /** Hours forecast ahead (default 6). */
  horizon_h?: number;
  /** Hours with voltage needed before a model is trained (default 14 days). */
  min_history_h?: number;
  /** IANA zone of the site, for hour of day and weekday (default UTC). */
  timezone?: string;
  /** The site has PV: without a production channel it is trained without PV inputs and says so. */
  has_pv?: boolean;
  /** Ridge penalty (default 1). */
  lambda?: number;
}

export interface VoltageModelState {
  version: 1;
  band: VoltageBand;
  horizon_h: number;
  timezone: string;
  use_pv: boolean;
  use_temperature: boolean;
  peak_wh: number;
  threshold: number;
  over: LogisticModel;
  under: LogisticModel;
  trained_hours: number;
  excursion_hours: number;
}

export interface TrainResult {
  ok: boolean;
  /** `trained`, `trained without PV inputs: …`, `insufficient history: N hours, need M`, … */
  status: string;
}

export interface HourForecast {
  start_ms: number;
  p_over: number;
  p_under: number;
  p_excursion: number;
  /** p_excursion at or above the model's threshold. */
  expected: boolean;
}

export interface VoltageForecast {
  status: string;
  issued_ms: number;
  band: VoltageBand;
  threshold: number | null;
  hours: HourForecast[];
}

const excursion = (h: SiteHour, band: VoltageBand) =>
  h.voltage_v ? { over: h.voltage_v.max > band.high_v, under: h.voltage_v.min < band.low_v } : null;

const share = (hours: readonly SiteHour[], has: (h: SiteHour) => boolean) =>
  hours.length === 0 ? 0 : hours.filter(has).length / hours.length;

export class VoltageForecaster {
  private model: VoltageModelState | undefined;
  private readonly options: Required<Omit<ForecasterOptions, 'has_pv'>> & { has_pv: boolean | undefined };

  constructor(options: ForecasterOptions = {}, model?: VoltageModelState) {
    this.options = {
      band: options.band ?? EN_50160,
      horizon_h: options.horizon_h ?? 6,
      min_history_h: options.min_history_h ?? 14 * 24,
      timezone: options.timezone ?? 'UTC',
      has_pv: options.has_pv,
      lambda: options.lambda ?? 1,
    };
    this.model = model;
  }

  /** A forecaster from `toJSON()` output; a state it cannot use gives a status, not a throw. */
  static fromJSON(
    json: unknown,
    options: ForecasterOptions = {},
  ): { ok: true; forecaster: VoltageForecaster } | { ok: false; status: string } {
    const s = json as Partial<VoltageModelState> | null;
    if (!s || typeof s !== 'object' || s.version !== 1) return { ok: false, status: 'unknown voltage model version' };
    const model = (m: unknown) => {
      const l = m as Partial<LogisticModel> | null;
      return !!l && [l.coef, l.mean, l.scale].every((a) => Array.isArray(a) && a.every(Number.isFinite));
    };
    if (!model(s.over) || !model(s.under) || typeof s.timezone !== 'string' || !isTimeZone(s.timezone))
      return { ok: false, status: 'malformed voltage model' };
    const numbers = [s.horizon_h, s.peak_wh, s.threshold, s.band?.low_v, s.band?.high_v];
    if (!numbers.every((x) => typeof x === 'number' && Number.isFinite(x)))
      return { ok: false, status: 'malformed voltage model' };
    return { ok: true, forecaster: new VoltageForecaster(options, s as VoltageModelState) };
  }

  toJSON(): VoltageModelState | null {
    return this.model ? structuredClone(this.model) : null;
  }

  get trained(): boolean {
    return this.model !== undefined;
  }

  /** (Re)trains from the site's history; on failure the previous model, if any, is kept. */
  train(history: readonly SiteHour[]): TrainResult {
    const { band, horizon_h, min_history_h, timezone } = this.options;
    if (!isTimeZone(timezone)) return { ok: false, status: `unknown time zone ${JSON.stringify(timezone)}` };
    if (!(band.low_v < band.high_v))
      return { ok: false, status: `bad band: low ${band.low_v} V is not below high ${band.high_v} V` };
    const withVoltage = history.filter((h) => h.voltage_v !== null);
    if (history.length > 0 && withVoltage.length === 0)
      return { ok: false, status: 'no voltage in the history: does the meter measure voltage?' };
    if (withVoltage.length < min_history_h)
      return { ok: false, status: `insufficient history: ${withVoltage.length} hours, need ${min_history_h}` };

    const notes: string[] = [];
    const hasProduction = share(history, (h) => h.production_wh !== null) >= 0.5;
    if (this.options.has_pv && !hasProduction)
      notes.push('trained without PV inputs: the site has PV but no production channel');
    const use_temperature = share(history, (h) => typeof h.temperature_c === 'number') >= 0.5;
    const productions = history.map((h) => h.production_wh ?? 0).sort((a, b) => a - b);
    const peak_wh = productions[Math.floor(0.99 * (productions.length - 1))] ?? 0;
    const use_pv = hasProduction && peak_wh > 0 && this.options.has_pv !== false;
    const ctx: FeatureContext = { hours: byStart(history), timezone, peak_wh, use_pv, use_temperature, horizon_h };

    const rows: number[][] = [];
    const over: number[] = [];
    const under: number[] = [];
    let excursion_hours = 0;
    for (const h of withVoltage) {
      const e = excursion(h, band);
      if (!e) continue;
      if (e.over || e.under) excursion_hours++;
      for (let lead = 1; lead <= horizon_h; lead++) {
        const row = featureRow(h.start_ms, h.start_ms - lead * HOUR_MS, ctx);
        if (!row) continue;
        rows.push(row);
        over.push(e.over ? 1 : 0);
        under.push(e.under ? 1 : 0);
      }
    }
    if (rows.length < min_history_h)
      return {
        ok: false,
        status: `insufficient history: ${rows.length / horizon_h} hours with every input, need ${min_history_h}`,
      };

    let overModel: LogisticModel;
    let underModel: LogisticModel;
    try {
      overModel = fitLogistic(rows, over, this.options.lambda);
      underModel = fitLogistic(rows, under, this.options.lambda);
    } catch (err) {
      return { ok: false, status: `training failed: ${(err as Error).message}` };
    }
    const p = rows.map((r) => 1 - (1 - probability(overModel, r)) * (1 - probability(underModel, r)));
    const actual = over.map((o, i) => o === 1 || under[i] === 1);
    this.model = {
      version: 1,
      band,
      horizon_h,
      timezone,
      use_pv,
      use_temperature,
      peak_wh,
      threshold: bestThreshold(p, actual),
      over: overModel,
      under: underModel,
      trained_hours: withVoltage.length,
      excursion_hours,
    };
    if (excursion_hours === 0) notes.push('no excursion in the history: every forecast will be low');
    return { ok: true, status: ['trained', ...notes].join('; ') };
  }

  /**
   * Forecast for the `horizon_h` hours after `issued_ms` (rounded down to the hour), from the site's recent hours
   * (the last day at least, for yesterday's production).
   */
  forecast(recent: readonly SiteHour[], issued_ms: number): VoltageForecast {
    const issued = Math.floor(issued_ms / HOUR_MS) * HOUR_MS;
    const m = this.model;
    const empty = (status: string): VoltageForecast => ({
      status,
      issued_ms: issued,
      band: this.options.band,
      threshold: null,
      hours: [],
    });
    if (!m) return empty('not trained');
    const ctx: FeatureContext = {
      hours: byStart(recent),
      timezone: m.timezone,
      peak_wh: m.peak_wh,
      use_pv: m.use_pv,
      use_temperature: m.use_temperature,
      horizon_h: m.horizon_h,
    };
    const hours: HourForecast[] = [];
    for (let lead = 1; lead <= m.horizon_h; lead++) {
      const start_ms = issued + lead * HOUR_MS;
      const row = featureRow(start_ms, issued, ctx);
      if (!row) continue;
      const p_over = probability(m.over, row);
      const p_under = probability(m.under, row);
      const p_excursion = 1 - (1 - p_over) * (1 - p_under);
      hours.push({ start_ms, p_over, p_under, p_excursion, expected: p_excursion >= m.threshold });
    }
    const missing = m.horizon_h - hours.length;
    const status =
      hours.length === 0
        ? `no forecast: the recent hours lack ${inputs(m)}`
        : missing > 0
          ? `partial: ${missing} of ${m.horizon_h} hours lack ${inputs(m)}`
          : 'ok';
    return { status, issued_ms: issued, band: m.band, threshold: m.threshold, hours };
  }
}

function inputs(m: VoltageModelState): string {
  const needed = [m.use_pv ? 'production (yesterday and the last 3 h)' : '', m.use_temperature ? 'temperature' : ''];
  return needed.filter(Boolean).join(' and ') || 'inputs';
}

/** The probability threshold with the best F1 on the training rows (0.5 when there is nothing to find). */
function bestThreshold(p: readonly number[], actual: readonly boolean[]): number {
  let best = 0.5;
  let bestF1 = 0;
  for (let t = 0.05; t < 0.95; t += 0.025) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    p.forEach((q, i) => {
      if (q >= t && actual[i]) tp++;
      else if (q >= t) fp++;
      else if (actual[i]) fn++;
    });
    const f1 = tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
    if (f1 > bestF1) {
      bestF1 = f1;
      best = Math.round(t * 1000) / 1000;
    }
  }
  return best;
}
