import { isAbsolute, resolve } from 'node:path';
import type { EnergyConfig, PriceSourceConfig, TariffConfig } from '../config/schema.js';
import { loadPriceCsv } from '../prices/csv-prices.js';
import { FixedPrices } from '../prices/fixed-prices.js';
import { HttpPrices } from '../prices/http-prices.js';
import type { PriceSource } from '../prices/price-source.js';
import { type LocalDays, localDays } from '../time/local-days.js';
import { TariffCalendar } from './calendar.js';

/** Everything the rollups need to know about one site: its local days, tariff periods and prices. */
export interface SitePlan {
  readonly days: LocalDays;
  /** Undefined when no tariff applies to the site: its days are UTC days and its cost is unknown. */
  readonly tariff: string | undefined;
  readonly calendar: TariffCalendar | undefined;
  readonly import: PriceSource | undefined;
  readonly export: PriceSource | undefined;
  readonly standingPerDay: number | undefined;
  readonly currency: string | undefined;
}

export interface TariffsOptions {
  /** Relative CSV paths are read from here (usually the config file's folder). */
  baseDir: string;
  /** Problems with price data found after start: bad CSV lines, failed or invalid HTTP answers. */
  onIssue?: (issue: string) => void;
}

/** The tariffs of an energy config, resolved per site (site entry, else its group, else the default tariff). */
export class Tariffs {
  private readonly plans = new Map<string, SitePlan>();
  private readonly byTariff = new Map<string, SitePlan>();
  private readonly feeds: HttpPrices[] = [];
  private readonly unassigned: SitePlan;

  constructor(
    private readonly config: EnergyConfig,
    options: TariffsOptions,
  ) {
    for (const [id, tariff] of Object.entries(config.tariffs)) this.byTariff.set(id, this.build(id, tariff, options));
    this.unassigned = {
      days: localDays('UTC'),
      tariff: undefined,
      calendar: undefined,
      import: undefined,
      export: undefined,
      standingPerDay: undefined,
      currency: undefined,
    };
  }

  planFor(site: string): SitePlan {
    let plan = this.plans.get(site);
    if (plan === undefined) {
      const id = this.tariffOf(site);
      plan = (id === undefined ? undefined : this.byTariff.get(id)) ?? this.unassigned;
      this.plans.set(site, plan);
    }
    return plan;
  }

  /** Fetches every HTTP price feed once and schedules the next fetches. */
  async start(): Promise<void> {
    await Promise.all(this.feeds.map((feed) => feed.start()));
  }

  async stop(): Promise<void> {
    await Promise.all(this.feeds.map((feed) => feed.stop()));
  }

  private tariffOf(site: string): string | undefined {
    const own = this.config.sites[site]?.tariff;
    if (own !== undefined) return own;
    for (const group of Object.values(this.config.groups)) if (group.sites.includes(site)) return group.tariff;
    return this.config.default_tariff;
  }

  private build(id: string, tariff: TariffConfig, options: TariffsOptions): SitePlan {
    const calendar = new TariffCalendar(tariff);
    const source = (config: PriceSourceConfig | undefined): PriceSource | undefined => {
      if (config === undefined) return undefined;
      if ('fixed' in config) return new FixedPrices(calendar, config.fixed);
      if ('csv' in config) {
        const file = isAbsolute(config.csv) ? config.csv : resolve(options.baseDir, config.csv);
        const { series, issues } = loadPriceCsv(file, config.resolution_min);
        for (const issue of issues) options.onIssue?.(issue);
        return series;
      }
      const feed = new HttpPrices({ ...config, url: config.http, onIssue: options.onIssue });
      this.feeds.push(feed);
      return feed.series;
    };
    return {
      days: calendar.days,
      tariff: id,
      calendar,
      import: source(tariff.import),
      export: source(tariff.export),
      standingPerDay: tariff.standing_charge_per_day,
      currency: tariff.currency,
    };
  }
}
