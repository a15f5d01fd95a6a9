import { checkStart } from './csv-prices.js';
import { parseInstant } from './parse-instant.js';
import { type PriceEntry, PriceSeries } from './price-series.js';

export interface HttpPricesOptions {
  url: string;
  refresh_s: number;
  timeout_ms: number;
  resolution_min: 15 | 60;
  /** Called with what went wrong with a fetch (unreachable, HTTP status, not JSON) or with an item of its answer. */
  onIssue?: (issue: string) => void;
  /** Entries that ended this long ago are dropped at each refresh. Default 7 days. */
  keep_ms?: number;
}

/**
 * Day-ahead prices fetched from an HTTP endpoint answering `{"prices": [{"start": ISO 8601, "price": number}, …]}`,
 * at start and every `refresh_s`. A failed fetch keeps what was fetched before; an invalid item marks its interval
 * unknown, with `<url>: prices[i]…` as the reason.
 */
export class HttpPrices {
  readonly series: PriceSeries;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private readonly abort = new AbortController();

  constructor(private readonly options: HttpPricesOptions) {
    this.series = new PriceSeries(options.url);
  }

  /** Fetches once, then on schedule. Resolves after the first fetch (successful or not). */
  async start(): Promise<void> {
    await this.refresh();
    if (this.abort.signal.aborted) return;
    this.timer = setInterval(() => void this.refresh(), this.options.refresh_s * 1000);
    this.timer.unref();
  }

  /** Stops the schedule and cancels a fetch under way; never waits longer than that fetch's abort. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.abort.abort();
    await this.inFlight;
  }

  refresh(): Promise<void> {
    this.inFlight ??= this.fetchOnce().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async fetchOnce(): Promise<void> {
    const { url, timeout_ms } = this.options;
    let body: unknown;
    try {
      const signal = AbortSignal.any([this.abort.signal, AbortSignal.timeout(timeout_ms)]);
      const response = await fetch(url, { signal, headers: { accept: 'application/json' } });
      if (!response.ok) {
        await response.body?.cancel();
        return this.report(`${url}: HTTP ${response.status}`);
      }
      const text = await response.text();
      try {
        body = JSON.parse(text);
      } catch {
        return this.report(`${url}: answer is not JSON (${JSON.stringify(text.slice(0, 40))})`);
      }
    } catch (error) {
      if (this.abort.signal.aborted) return;
      return this.report(`${url}: ${error instanceof Error ? (error.cause ?? error).toString() : String(error)}`);
    }
    const entries = this.toEntries(body);
    if (entries === undefined) return;
    this.series.merge(entries);
    this.series.dropBefore(Date.now() - (this.options.keep_ms ?? 7 * 86_400_000));
  }

  private toEntries(body: unknown): PriceEntry[] | undefined {
    const { url, resolution_min } = this.options;
    const items = (body as { prices?: unknown } | null)?.prices;
    if (!Array.isArray(items)) {
      this.report(`${url}: expected {"prices": [...]}`);
      return undefined;
    }
    const length = resolution_min * 60_000;
    const entries: PriceEntry[] = [];
    items.forEach((item: unknown, i) => {
      const where = `${url}: prices[${i}]`;
      const { start: rawStart, price } = (item ?? {}) as { start?: unknown; price?: unknown };
      const start = typeof rawStart === 'string' ? parseInstant(rawStart) : 'start is missing or not a string';
      if (typeof start === 'string') {
        this.report(`${where}: ${start}`);
        return;
      }
      const reason =
        checkStart(start, length) ??
        (typeof price === 'number' && Number.isFinite(price) ? undefined : 'price is missing or not a number');
      if (reason !== undefined) this.report(`${where}: ${reason}`);
      entries.push(
        reason === undefined
          ? { start, end: start + length, price: price as number }
          : { start, end: start + length, price: null, reason: `${where}: ${reason}` },
      );
    });
    return entries;
  }

  private report(issue: string): void {
    this.options.onIssue?.(issue);
  }
}
