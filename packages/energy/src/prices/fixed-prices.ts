import type { TariffCalendar } from '../tariff/calendar.js';
import type { PriceAt, PriceSource } from './price-source.js';

/** A price per tariff period ("*" for any period not listed); it changes where the period does. */
export class FixedPrices implements PriceSource {
  constructor(
    private readonly calendar: TariffCalendar,
    private readonly prices: Readonly<Record<string, number>>,
  ) {}

  at(ts: number): PriceAt {
    const { period, until } = this.calendar.periodAt(ts);
    const price = this.prices[period] ?? this.prices['*'];
    if (price === undefined) return { price: null, until, reason: `no fixed price for period "${period}"` };
    return { price, until };
  }
}
