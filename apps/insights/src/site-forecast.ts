/**
 * What one batch of a site's rollups does to it: keep the highest revision of each 1-hour rollup within
 * `keep_days`, retrain once `retrain_every_h` new hours have come (or when there is no model, or the site's time
 * zone changed), and forecast from the newest hour on. The forecast is issued as of the site's data, not the wall
 * clock, so a site whose rollups arrive late gets forecasts for the hours after its data rather than none.
 */
import type { Rollup, VoltageForecastMessage } from '@wattbus/contract';
import { HOUR_MS, siteHoursFromRollups, VoltageForecaster } from '@wattbus/insights';
import type { InsightsConfig } from './config.js';
import type { SiteState } from './site-state.js';

export interface SiteUpdate {
  forecast: VoltageForecastMessage;
  /** The training status when this batch trained, else undefined. */
  trained?: string;
}

export function updateSite(
  site: string,
  state: SiteState,
  batch: readonly Rollup[],
  config: InsightsConfig['voltage'],
): SiteUpdate {
  const byKey = new Map(state.rollups.map((r) => [r.key, r]));
  for (const r of batch) {
    const seen = byKey.get(r.key);
    if (!seen || seen.revision < r.revision) byKey.set(r.key, r);
  }
  const newest = Math.max(...[...byKey.values()].map((r) => r.start));
  const keepFrom = newest - config.keep_days * 24 * HOUR_MS;
  state.rollups = [...byKey.values()].filter((r) => r.start >= keepFrom).sort((a, b) => a.start - b.start);

  const siteOptions = config.sites[site] ?? {};
  const options = {
    band: { low_v: config.low_v, high_v: config.high_v },
    horizon_h: config.horizon_h,
    min_history_h: config.min_history_h,
    timezone: siteOptions.timezone ?? state.info_timezone ?? config.timezone,
    has_pv: siteOptions.has_pv,
  };
  const hours = siteHoursFromRollups(state.rollups);
  let forecaster = new VoltageForecaster(options);
  if (state.model) {
    const loaded = VoltageForecaster.fromJSON(state.model, options);
    if (loaded.ok) forecaster = loaded.forecaster;
  }
  let trained: string | undefined;
  const moved = state.model !== null && state.model.timezone !== options.timezone;
  const due =
    moved || state.trained_through === null || newest - state.trained_through >= config.retrain_every_h * HOUR_MS;
  if (!forecaster.trained || due) {
    const result = forecaster.train(hours);
    trained = result.status;
    if (result.ok) {
      state.model = forecaster.toJSON();
      state.trained_through = newest;
    }
  }
  const f = forecaster.forecast(hours, newest + HOUR_MS);
  // An untrained forecaster can only say "not trained": the training status says why, which is more use.
  const status = forecaster.trained ? f.status : (trained ?? f.status);
  return {
    trained,
    forecast: {
      v: 1,
      site,
      issued: f.issued_ms,
      band: f.band,
      status,
      threshold: f.threshold,
      hours: f.hours.map((h) => ({
        start: h.start_ms,
        p_over: h.p_over,
        p_under: h.p_under,
        p_excursion: h.p_excursion,
        expected: h.expected,
      })),
    },
  };
}
