import type { PeriodAt, TariffCalendar } from '../tariff/calendar.js';
import type { PriceAt, PriceSource } from './price-source.js';

/** A price per tariff period ("*" for any period not listed); it changes where the period does. */
export class FixedPrices implements PriceSource {
  constructor(
    private readonly calendar: TariffCalendar,
    private readonly prices: Readonly<Record<string, number>>,
  ) {}

  private lastPeriod: PeriodAt | undefined;
  private lastAnswer: PriceAt | undefined;

  forPeriod(period: string): PriceAt {
    const price = this.prices[period] ?? this.prices['*'];
    return price === undefined
      ? { price: null, until: Number.POSITIVE_INFINITY, reason: `no fixed price for period "${period}"` }
      : { price, until: Number.POSITIVE_INFINITY };
  }

  at(ts: number): PriceAt {
    const current = this.calendar.periodAt(ts);
    // The calendar hands back the same object while the period lasts: so can we.
    if (current === this.lastPeriod && this.lastAnswer !== undefined) return this.lastAnswer;
    const { period, until } = current;
    const price = this.prices[period] ?? this.prices['*'];
    const answer: PriceAt =
      price === undefined ? { price: null, until, reason: `no fixed price for period "${period}"` } : { price, until };
    this.lastPeriod = current;
    this.lastAnswer = answer;
    return answer;
  }
}
