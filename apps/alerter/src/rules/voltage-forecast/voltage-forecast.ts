import type { VoltageForecastMessage } from '@wattbus/contract';
import type { AlertRule, OpenSubject } from '../rule.js';

const HOUR = 3_600_000;
const clock = (ms: number) => `${new Date(ms).toISOString().slice(11, 16)} UTC`;

/**
 * Warns ahead of an expected voltage excursion, from each site's retained forecast
 * (`wattbus/v1/{site}/forecast/voltage`, published by wattbus-insights): open while an hour the forecast expects
 * to leave the band starts within `withinH` hours or is under way, by the alerter's clock. A newer forecast
 * replaces the older one, so a forecast that no longer expects the excursion resolves it. No `onRestore`: the
 * retained forecasts come back with the state at start, before the first evaluation.
 */
export class VoltageForecastRule implements AlertRule {
  readonly id = 'voltage-forecast';
  readonly severity = 'warning' as const;
  private readonly forecasts = new Map<string, VoltageForecastMessage>();

  constructor(private readonly withinH: number) {}

  onVoltageForecast(forecast: VoltageForecastMessage): void {
    const seen = this.forecasts.get(forecast.site);
    if (!seen || seen.issued <= forecast.issued) this.forecasts.set(forecast.site, forecast);
  }

  evaluate(now: number): Map<string, Map<string, OpenSubject>> {
    const out = new Map<string, Map<string, OpenSubject>>();
    for (const [site, forecast] of this.forecasts) {
      // Every expected hour not yet over; the alert is raised once the first of them is near enough.
      const ahead = forecast.hours.filter((h) => h.expected && h.start + HOUR > now);
      const first = ahead[0];
      if (!first || first.start - now > this.withinH * HOUR) continue;
      const worst = ahead.reduce((a, h) => (h.p_excursion > a.p_excursion ? h : a));
      const direction =
        worst.p_over >= worst.p_under ? `above ${forecast.band.high_v} V` : `below ${forecast.band.low_v} V`;
      out.set(
        site,
        new Map([
          [
            'site',
            {
              since: forecast.issued,
              value: Math.round(worst.p_excursion * 100) / 100,
              message: `voltage expected ${direction} from ${clock(first.start)} (${ahead.length} h, probability up to ${Math.round(worst.p_excursion * 100)} %)`,
            },
          ],
        ]),
      );
    }
    return out;
  }
}
