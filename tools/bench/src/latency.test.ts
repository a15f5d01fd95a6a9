import { exampleReading } from '@wattbus/contract';
import { toLine } from '@wattbus/sinks';
import { type InfluxdHandle, startInfluxd } from '@wattbus/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { payloadTs } from './consumers.js';
import { InfluxVisibilityPoller, LatencyHistogram, PublishedBuckets } from './latency.js';

describe('LatencyHistogram', () => {
  it('gives percentiles over what was seen, or over a larger total with the unseen counted as slowest', () => {
    const h = new LatencyHistogram();
    for (let ms = 1; ms <= 100; ms++) h.add(ms);
    expect(h.count).toBe(100);
    expect(h.percentile(50)).toBe(50);
    expect(h.percentile(99)).toBe(99);
    expect(h.percentile(100)).toBe(100);
    expect(h.max()).toBe(100);
    // 100 seen of 200 published: the median is the slowest seen, p99 is among the unseen
    expect(h.percentile(50, 200)).toBe(100);
    expect(h.percentile(99, 200)).toBeNull();
    expect(new LatencyHistogram().percentile(50)).toBeNull();
  });

  it('adds weighted samples rounded to the ms, never negative', () => {
    const h = new LatencyHistogram();
    h.add(10.4, 3);
    h.add(-2);
    expect(h.count).toBe(4);
    expect(h.percentile(25)).toBe(0);
    expect(h.percentile(100)).toBe(10);
  });
});

describe('payloadTs', () => {
  it('reads ts from a Reading payload', () => {
    expect(payloadTs(Buffer.from(JSON.stringify(exampleReading())))).toBe(1763800000000);
    expect(payloadTs(Buffer.from('{"v":1}'))).toBeNaN();
  });
});

describe('InfluxVisibilityPoller against influxd', () => {
  let influx: InfluxdHandle;
  beforeAll(async () => {
    influx = await startInfluxd();
    await influx.createDatabase('poll');
    await influx.createDatabase('span');
    await influx.createDatabase('stuck');
  });
  afterAll(async () => {
    await influx?.stop();
  });

  it('sees rows as they are written, times them against their ts, and waits for all of them', async () => {
    const published = new PublishedBuckets(10);
    const t0 = Date.now();
    const readings = Array.from({ length: 300 }, (_, i) => ({ ...exampleReading(), seq: i + 1, ts: t0 - 1000 + i }));
    for (const r of readings) published.record(r.ts);
    expect(published.total).toBe(300);
    const poller = new InfluxVisibilityPoller({ url: influx.url, db: 'poll', intervalMs: 50 }, published, t0 - 1000);
    poller.start();
    // first half now, second half 500 ms later
    await influx.write(
      'poll',
      readings.slice(0, 150).map((r) => toLine(r)),
    );
    await new Promise((r) => setTimeout(r, 500));
    expect(poller.visible).toBe(150);
    await influx.write(
      'poll',
      readings.slice(150).map((r) => toLine(r)),
    );
    expect(await poller.waitForAll(Date.now() + 5000)).toBe(true);
    await poller.stop();
    expect(poller.visible).toBe(300);
    expect(poller.polls).toBeGreaterThan(5);
    // written ~1 s after their ts, then ~1.5 s after: the median and p99 show it, within the poll resolution
    const p50 = poller.histogram.percentile(50) ?? 0;
    const p99 = poller.histogram.percentile(99) ?? 0;
    expect(p50).toBeGreaterThan(800);
    expect(p50).toBeLessThan(1400);
    expect(p99).toBeGreaterThan(1200);
    expect(p99).toBeLessThan(1900);
    expect(poller.firstSeenAt).toBeLessThanOrEqual(poller.lastNewAt ?? 0);
  });

  it('counts at most spanMs of ts per poll, moving on as the oldest buckets complete', async () => {
    const published = new PublishedBuckets(10);
    const t0 = Date.now();
    const readings = Array.from({ length: 300 }, (_, i) => ({
      ...exampleReading(),
      seq: i + 1,
      ts: t0 - 3000 + i * 10,
    }));
    for (const r of readings) published.record(r.ts);
    await influx.write(
      'span',
      readings.map((r) => toLine(r)),
    );
    const poller = new InfluxVisibilityPoller(
      { url: influx.url, db: 'span', intervalMs: 20, spanMs: 500 },
      published,
      t0 - 3000,
    );
    poller.start();
    expect(await poller.waitForAll(Date.now() + 10_000)).toBe(true);
    await poller.stop();
    expect(poller.visible).toBe(300);
    expect(poller.polls).toBeGreaterThanOrEqual(6); // 3 s of ts, 0.5 s per poll: one poll would see all without a span
  });

  it('sees the rows past a bucket that stays incomplete', async () => {
    const published = new PublishedBuckets(10);
    const t0 = Date.now();
    const readings = Array.from({ length: 300 }, (_, i) => ({
      ...exampleReading(),
      seq: i + 1,
      ts: t0 - 3000 + i * 10,
    }));
    for (const r of readings) published.record(r.ts);
    await influx.write(
      'stuck',
      readings.slice(1).map((r) => toLine(r)), // the first reading never comes
    );
    const poller = new InfluxVisibilityPoller(
      { url: influx.url, db: 'stuck', intervalMs: 20, spanMs: 500 },
      published,
      t0 - 3000,
    );
    poller.start();
    expect(await poller.waitForAll(Date.now() + 3000)).toBe(false);
    await poller.stop();
    expect(poller.visible).toBe(299);
  });

  it('gives up at the deadline when rows never come', async () => {
    const published = new PublishedBuckets(10);
    published.record(Date.now());
    const poller = new InfluxVisibilityPoller({ url: influx.url, db: 'empty', intervalMs: 50 }, published, Date.now());
    poller.start();
    expect(await poller.waitForAll(Date.now() + 300)).toBe(false);
    await poller.stop();
    expect(poller.visible).toBe(0);
    expect(poller.errors).toBeGreaterThan(0); // the database does not exist
  });
});
