/** One hour of a site, as the 1-hour rollups give it. */
export interface SiteHour {
  /** UTC ms of the hour's start. */
  start_ms: number;
  /** Lowest and highest voltage in the hour; null when no reading carried a voltage. */
  voltage_v: { min: number; max: number } | null;
  /** The site's PV production in the hour, Wh (>= 0); null without a production channel or reading. */
  production_wh: number | null;
  /** Outdoor temperature, °C, when a topic provides it. */
  temperature_c?: number | null;
}

export const HOUR_MS = 3_600_000;

/** The voltage band outside which an hour counts as an excursion; EN 50160's 230 V ± 10 % by default. */
export interface VoltageBand {
  low_v: number;
  high_v: number;
}

export const EN_50160: VoltageBand = { low_v: 207, high_v: 253 };

export function byStart(hours: readonly SiteHour[]): Map<number, SiteHour> {
  return new Map(hours.map((h) => [h.start_ms, h]));
}
