import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/**
 * One part's Prometheus metrics in a registry of its own (what `serveObservability` serves), each defined in one
 * line: a part's metrics class extends this and lists its counters, histograms and gauges.
 */
export class MetricSet {
  readonly registry = new Registry();

  protected counter<L extends string = never>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  protected histogram<L extends string = never>(
    name: string,
    help: string,
    buckets: number[],
    labelNames: readonly L[] = [],
  ): Histogram<L> {
    return new Histogram({ name, help, buckets, labelNames, registers: [this.registry] });
  }

  /** A gauge that reads its value when scraped. */
  protected gauge(name: string, help: string, read: () => number): void {
    new Gauge({
      name,
      help,
      registers: [this.registry],
      collect() {
        this.set(read());
      },
    });
  }

  /** Adds prom-client's process metrics (CPU, memory, event loop lag, ...), their names after `prefix`. */
  collectProcessMetrics(prefix = ''): void {
    collectDefaultMetrics({ register: this.registry, prefix });
  }
}
