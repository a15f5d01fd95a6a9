export { loadEnergyConfig, parseEnergyConfig } from './config/load.js';
export {
  type CalendarConfig,
  CalendarSchema,
  type EnergyConfig,
  EnergyConfigSchema,
  type PeriodRuleConfig,
  PeriodRuleSchema,
  type PriceSourceConfig,
  PriceSourceSchema,
  SeasonSchema,
  type TariffConfig,
  TariffSchema,
  WEEKDAYS,
} from './config/schema.js';
export { type LoadedPrices, loadPriceCsv, parsePriceCsv } from './prices/csv-prices.js';
export { FixedPrices } from './prices/fixed-prices.js';
export { HttpPrices, type HttpPricesOptions } from './prices/http-prices.js';
export { type PriceEntry, PriceSeries } from './prices/price-series.js';
export type { PriceAt, PriceSource } from './prices/price-source.js';
export {
  type ChannelSnapshot,
  type EngineSnapshot,
  type PushOutcome,
  RollupEngine,
  type RollupEngineOptions,
} from './rollup/engine.js';
export { INTERVAL_NAMES, type Interval, type IntervalName, intervalAt } from './rollup/intervals.js';
export type { EnergySource, RollupCost, RollupRecord } from './rollup/record.js';
export { type PeriodAt, TariffCalendar } from './tariff/calendar.js';
export { type SitePlan, Tariffs, type TariffsOptions } from './tariff/tariffs.js';
export { type LocalDay, LocalDays, localDays } from './time/local-days.js';
