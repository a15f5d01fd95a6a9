import type { CalendarConfig, PeriodRuleConfig } from '../config/schema.js';
import { WEEKDAYS } from '../config/schema.js';
import { type LocalDay, type LocalDays, localDays } from '../time/local-days.js';

const HOLIDAY_BIT = 1 << 0;
const MAX_CACHED_DAYS = 1024;

interface CompiledRule {
  period: string;
  /** Bit 1..7 = ISO weekday, bit 0 = holiday; undefined = every day. */
  dayMask: number | undefined;
  from: number;
  to: number;
  /** MM*100+DD pairs, inclusive. */
  seasons: [number, number][] | undefined;
}

/** A local day cut into tariff periods: `starts[i]` (UTC ms) begins `periods[i]`; the last runs to the day's end. */
interface DaySegments {
  readonly starts: number[];
  readonly periods: string[];
  readonly end: number;
}

export interface PeriodAt {
  readonly period: string;
  /** When this period ends (the next boundary), UTC ms. */
  readonly until: number;
}

/**
 * When each tariff period applies at a site. Rules are in local wall-clock time; each local day is cut into periods
 * once (luxon turns the local boundaries into instants, so a 02:00 boundary on a DST day lands where the clock says)
 * and cached, so `periodAt` is a short scan of a day's few boundaries.
 */
export class TariffCalendar {
  readonly days: LocalDays;
  readonly defaultPeriod: string;
  private readonly rules: CompiledRule[];
  private readonly holidays: Set<string>;
  private readonly cache = new Map<number, DaySegments>();
  private last: DaySegments | undefined;
  private lastStart = Number.POSITIVE_INFINITY;

  constructor(config: CalendarConfig) {
    this.days = localDays(config.timezone);
    this.defaultPeriod = config.default_period;
    this.holidays = new Set(config.holidays);
    this.rules = config.rules.map(compileRule);
  }

  /** The answer of the last lookup and its validity [from, until): consecutive lookups mostly fall in it. */
  private lastAnswer: PeriodAt | undefined;
  private lastAnswerFrom = Number.POSITIVE_INFINITY;

  periodAt(ts: number): PeriodAt {
    const cached = this.lastAnswer;
    if (cached !== undefined && ts >= this.lastAnswerFrom && ts < cached.until) return cached;
    let segments = this.last;
    if (segments === undefined || ts < this.lastStart || ts >= segments.end) {
      const day = this.days.dayOf(ts);
      segments = this.segmentsOf(day);
      this.last = segments;
      this.lastStart = day.start;
    }
    const { starts, periods, end } = segments;
    let i = starts.length - 1;
    while (i > 0 && (starts[i] as number) > ts) i--;
    const answer = { period: periods[i] as string, until: i + 1 < starts.length ? (starts[i + 1] as number) : end };
    this.lastAnswer = answer;
    this.lastAnswerFrom = starts[i] as number;
    return answer;
  }

  private segmentsOf(day: LocalDay): DaySegments {
    const cached = this.cache.get(day.ordinal);
    if (cached !== undefined) return cached;
    const dayBit = this.holidays.has(day.date) ? HOLIDAY_BIT : 1 << day.weekday;
    const monthDay = day.month * 100 + day.day;
    const rules = this.rules.filter(
      (rule) =>
        (rule.dayMask === undefined || (rule.dayMask & dayBit) !== 0) &&
        (rule.seasons === undefined || rule.seasons.some(([from, to]) => inSeason(monthDay, from, to))),
    );
    const cuts = [...new Set([0, 1440, ...rules.flatMap((rule) => [rule.from, rule.to])])].sort((a, b) => a - b);
    const starts: number[] = [];
    const periods: string[] = [];
    for (let i = 0; i + 1 < cuts.length; i++) {
      const from = cuts[i] as number;
      const period = rules.find((rule) => covers(rule, from))?.period ?? this.defaultPeriod;
      if (periods.at(-1) === period) continue;
      const start = this.days.instant(day, from);
      // A local time skipped by a DST change maps past the next one: keep the boundaries increasing.
      if (starts.length > 0 && start <= (starts.at(-1) as number)) {
        periods[periods.length - 1] = period;
        continue;
      }
      starts.push(start);
      periods.push(period);
    }
    const segments = { starts, periods, end: day.end };
    if (this.cache.size >= MAX_CACHED_DAYS) this.cache.clear();
    this.cache.set(day.ordinal, segments);
    return segments;
  }
}

function compileRule(rule: PeriodRuleConfig): CompiledRule {
  return {
    period: rule.period,
    dayMask: rule.days?.reduce((mask, d) => mask | (d === 'holiday' ? HOLIDAY_BIT : 1 << (WEEKDAYS.indexOf(d) + 1)), 0),
    from: minutes(rule.from),
    to: minutes(rule.to),
    seasons: rule.seasons?.map(({ from, to }) => [monthDayNumber(from), monthDayNumber(to)]),
  };
}

/** Whether the rule's time range holds the local minute; from after to wraps over midnight, from = to is all day. */
function covers(rule: CompiledRule, minute: number): boolean {
  if (rule.from === rule.to) return true;
  if (rule.from < rule.to) return minute >= rule.from && minute < rule.to;
  return minute >= rule.from || minute < rule.to;
}

function inSeason(monthDay: number, from: number, to: number): boolean {
  return from <= to ? monthDay >= from && monthDay <= to : monthDay >= from || monthDay <= to;
}

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
const monthDayNumber = (mmdd: string) => Number(mmdd.slice(0, 2)) * 100 + Number(mmdd.slice(3, 5));
