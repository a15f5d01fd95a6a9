import { describe, expect, it } from 'vitest';
import { MetricSet } from './metric-set.js';

class Example extends MetricSet {
  readonly hits = this.counter('x_hits_total', 'hits', ['route']);
  readonly sizes = this.histogram('x_size', 'sizes', [1, 10]);
  constructor(depth: () => number) {
    super();
    this.gauge('x_depth', 'depth now', depth);
  }
}

describe('MetricSet', () => {
  it('registers counters, histograms and scrape-time gauges in its own registry, process metrics under a prefix', async () => {
    let depth = 3;
    const a = new Example(() => depth);
    const b = new Example(() => 0);
    a.hits.inc({ route: '/x' }, 2);
    a.sizes.observe(5);
    depth = 7;
    a.collectProcessMetrics('x_');
    const text = await a.registry.metrics();
    expect(text).toContain('x_hits_total{route="/x"} 2');
    expect(text).toContain('x_size_bucket{le="10"} 1');
    expect(text).toContain('x_size_bucket{le="1"} 0');
    expect(text).toContain('x_depth 7');
    expect(text).toMatch(/^x_process_cpu_seconds_total /m);
    // a second set is independent: its own registry, no process metrics unless asked
    const other = await b.registry.metrics();
    expect(other).toContain('# TYPE x_hits_total counter');
    expect(other).not.toContain('x_hits_total{');
    expect(other).toContain('x_depth 0');
    expect(other).not.toContain('process_cpu');
  });
});
