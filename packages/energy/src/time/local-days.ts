import { DateTime, IANAZone } from 'luxon';

const DAY_MS = 86_400_000;
/** Distinct local days kept per zone; a consumer touches a handful at a time, a replay a few hundred. */
const MAX_CACHED_DAYS = 4096;

/** One calendar day of a time zone: its UTC bounds (23 h, 24 h or 25 h apart) and its local date. */
export interface LocalDay {
  /** Days since 1970-01-01 of the local date: a key that orders days. */
  readonly ordinal: number;
  readonly start: number;
  readonly end: number;
  readonly year: number;
  readonly month: number;
  readonly day: number;
  /** 1 = Monday … 7 = Sunday (ISO). */
  readonly weekday: number;
  /** YYYY-MM-DD */
  readonly date: string;
}

/**
 * The local days of one IANA time zone. Luxon does the zone arithmetic (from the platform's tz database) once per
 * day; lookups hit the last day used or a map keyed by local date, so the hot path never formats a date.
 */
export class LocalDays {
  readonly zone: string;
  private last: LocalDay | undefined;
  private readonly cache = new Map<number, LocalDay>();

  constructor(zone: string) {
    if (!IANAZone.isValidZone(zone)) throw new Error(`unknown time zone "${zone}"`);
    this.zone = zone;
  }

  dayOf(ts: number): LocalDay {
    const last = this.last;
    if (last !== undefined && ts >= last.start && ts < last.end) return last;
    // The local date is within a day of the UTC date: probe the cached neighbours before asking luxon.
    const guess = Math.floor(ts / DAY_MS);
    for (const ordinal of [guess, guess + 1, guess - 1]) {
      const day = this.cache.get(ordinal);
      if (day !== undefined && ts >= day.start && ts < day.end) {
        this.last = day;
        return day;
      }
    }
    const day = this.build(DateTime.fromMillis(ts, { zone: this.zone }));
    this.last = day;
    return day;
  }

  /** The UTC instant of a local wall-clock time on `day` (minutes since midnight; 1440 = the day's end). */
  instant(day: LocalDay, minuteOfDay: number): number {
    if (minuteOfDay <= 0) return day.start;
    if (minuteOfDay >= 1440) return day.end;
    return DateTime.fromObject(
      { year: day.year, month: day.month, day: day.day, hour: Math.floor(minuteOfDay / 60), minute: minuteOfDay % 60 },
      { zone: this.zone },
    ).toMillis();
  }

  private build(at: DateTime): LocalDay {
    const ordinal = Math.floor(Date.UTC(at.year, at.month - 1, at.day) / DAY_MS);
    const cached = this.cache.get(ordinal);
    if (cached !== undefined) return cached;
    const startOfDay = at.startOf('day');
    const day: LocalDay = {
      ordinal,
      start: startOfDay.toMillis(),
      end: startOfDay.plus({ days: 1 }).startOf('day').toMillis(),
      year: at.year,
      month: at.month,
      day: at.day,
      weekday: at.weekday,
      date: startOfDay.toISODate() ?? '',
    };
    if (this.cache.size >= MAX_CACHED_DAYS) this.cache.clear();
    this.cache.set(ordinal, day);
    return day;
  }
}

const zones = new Map<string, LocalDays>();

/** One shared LocalDays per zone, so a thousand sites in Europe/Paris share one cache. */
export function localDays(zone: string): LocalDays {
  let days = zones.get(zone);
  if (days === undefined) {
    days = new LocalDays(zone);
    zones.set(zone, days);
  }
  return days;
}
