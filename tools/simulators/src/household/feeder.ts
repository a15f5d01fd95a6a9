/**
 * Feeder-voltage ground truth: a low-voltage feeder whose voltage rises with the PV of every house on it at noon
 * and sags under the evening load (more on cold days, when heat pumps run), with slow and fast noise. Sampled per
 * minute, summarised per hour as the rollups summarise it (voltage min/max, the site's PV energy, temperature).
 * The coefficients below are the hidden truth: the forecaster learns from the hours alone and never imports this.
 */
import { gaussian, prng } from './prng.js';

export interface FeederHour {
  start_ms: number;
  /** Lowest and highest minute voltage in the hour, V. */
  voltage_v: { min: number; max: number };
  /** The site's own PV production in the hour, Wh (>= 0). */
  production_wh: number;
  /** Outdoor temperature at the middle of the hour, °C. */
  temperature_c: number;
}

export interface FeederOptions {
  seed: number;
  /** UTC ms of a midnight (the site's clock is taken as UTC). */
  start_ms: number;
  days: number;
  /** The site's PV peak power, kWp. */
  pv_kwp?: number;
}

const NOMINAL_V = 233;
const PV_RISE_V = 29;
const LOAD_SAG_V = 19;
const HEATING_PER_DEGREE = 0.045;
const HEATING_BELOW_C = 15;

/** Clear-sky shape of PV output by hour of day, 0..1. */
const sun = (hour: number): number => Math.max(0, Math.sin((Math.PI * (hour - 6.5)) / 13)) ** 1.2;

/** Normalised feeder load by hour of day; weekends are flatter (people home at noon, no 18:00 rush). */
function feederLoad(hour: number, weekend: boolean): number {
  const bump = (centre: number, width: number, height: number) => height * Math.exp(-(((hour - centre) / width) ** 2));
  if (weekend) return 0.3 + bump(12.5, 2.5, 0.3) + bump(19, 2, 0.6);
  return 0.3 + bump(7.5, 1, 0.3) + bump(19, 1.8, 0.8);
}

export function feederHours(options: FeederOptions): FeederHour[] {
  const random = prng(options.seed);
  const kwp = options.pv_kwp ?? 4;
  const hours: FeederHour[] = [];
  let slowNoise = 0;
  let dayMeanC = 8 + 6 * random();
  for (let day = 0; day < options.days; day++) {
    const dayStart = options.start_ms + day * 86_400_000;
    const weekend = [0, 6].includes(new Date(dayStart).getUTCDay());
    dayMeanC = Math.min(22, Math.max(-4, dayMeanC + 2.5 * gaussian(random)));
    const cloudiness = random();
    let cloud = 0;
    for (let h = 0; h < 24; h++) {
      let vmin = Number.POSITIVE_INFINITY;
      let vmax = Number.NEGATIVE_INFINITY;
      let productionWh = 0;
      const temperature = dayMeanC + 4 * Math.sin((Math.PI * (h - 9)) / 12);
      const heating = 1 + HEATING_PER_DEGREE * Math.max(0, HEATING_BELOW_C - temperature);
      for (let m = 0; m < 60; m++) {
        const hour = h + m / 60;
        if (m % 10 === 0) cloud = random() < cloudiness ? 0.3 + 0.6 * random() : 0;
        const pv = sun(hour) * (1 - 0.5 * cloudiness) * (1 - cloud);
        productionWh += (kwp * 1000 * 0.8 * pv) / 60;
        slowNoise = 0.98 * slowNoise + 0.35 * gaussian(random);
        const v =
          NOMINAL_V +
          PV_RISE_V * pv -
          LOAD_SAG_V * feederLoad(hour, weekend) * heating +
          slowNoise +
          0.6 * gaussian(random);
        vmin = Math.min(vmin, v);
        vmax = Math.max(vmax, v);
      }
      hours.push({
        start_ms: dayStart + h * 3_600_000,
        voltage_v: { min: Math.round(vmin * 10) / 10, max: Math.round(vmax * 10) / 10 },
        production_wh: Math.round(productionWh),
        temperature_c: Math.round(temperature * 10) / 10,
      });
    }
  }
  return hours;
}
