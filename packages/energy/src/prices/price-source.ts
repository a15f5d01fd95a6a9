/** A price per kWh in force from a given instant until `until`, or why there is none. */
export type PriceAt =
  | { price: number; until: number; reason?: undefined }
  | { price: null; until: number; reason: string };

/** Where prices come from: fixed per tariff period, or a day-ahead series. Prices are per kWh in the tariff's currency. */
export interface PriceSource {
  at(ts: number): PriceAt;
  /**
   * The price of a tariff period by name, for energy a meter's own rate registers put in that period; undefined for
   * sources whose price depends on the instant only (day-ahead series).
   */
  forPeriod?(period: string): PriceAt | undefined;
}
