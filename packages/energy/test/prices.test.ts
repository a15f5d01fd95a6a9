import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parsePriceCsv } from '../src/prices/csv-prices.js';
import { HttpPrices } from '../src/prices/http-prices.js';

const T0 = Date.UTC(2026, 0, 13, 0);
const Q = 15 * 60_000;

describe('price series from CSV', () => {
  it('reads good lines, and names the file and line of each bad one, whose interval has no price', () => {
    const csv = [
      'price,start,area', // column order is free, extra columns are ignored
      '0.10,2026-01-13T00:00:00Z,FR',
      '0.20,2026-01-13T01:15:00+01:00,FR', // 00:15Z
      'abc,2026-01-13T00:30:00Z,FR',
      '0.30,2026-01-13 00:45,FR', // no offset: refused, the interval stays without a price
      '0.40,2026-01-13T00:15:00Z,FR', // twice the same start
      '0.50,2026-01-13T01:07:00Z,FR', // not on a quarter hour
      '',
    ].join('\n');
    const { series, issues } = parsePriceCsv(csv, 'day-ahead.csv', 15);
    expect(issues).toEqual([
      'day-ahead.csv:4: price "abc" is not a number',
      'day-ahead.csv:5: start "2026-01-13 00:45" is not an ISO 8601 time with an offset (e.g. 2026-03-29T02:00:00+01:00)',
      'day-ahead.csv:6: a second price for the same start',
      'day-ahead.csv:7: start is not on a 15-minute boundary',
    ]);
    expect(series.at(T0 + 5 * 60_000)).toEqual({ price: 0.1, until: T0 + Q });
    // The duplicate line makes its interval unknown rather than picking one of the two prices.
    expect(series.at(T0 + Q)).toEqual({
      price: null,
      until: T0 + 2 * Q,
      reason: 'day-ahead.csv:6: a second price for the same start',
    });
    expect(series.at(T0 + 2 * Q)).toEqual({
      price: null,
      until: T0 + 3 * Q,
      reason: 'day-ahead.csv:4: price "abc" is not a number',
    });
    expect(series.at(T0 + 3 * Q)).toEqual({
      price: null,
      until: T0 + 67 * 60_000,
      reason:
        'no price in day-ahead.csv for 2026-01-13T00:45:00.000Z (missing 2026-01-13T00:45:00.000Z to 2026-01-13T01:07:00.000Z)',
    });
  });

  it('refuses a file without the header', () => {
    expect(() => parsePriceCsv('2026-01-13T00:00:00Z,0.1\n', 'p.csv', 60)).toThrow(
      'p.csv:1: expected a header with columns "start" and "price", got "2026-01-13T00:00:00Z,0.1"',
    );
  });
});

describe('price series from an HTTP endpoint', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  /** A local endpoint answering the queued bodies (status, text) in turn; the last one again after that. */
  async function endpoint(answers: [number, string][]): Promise<{ url: string; hits: () => number }> {
    let hits = 0;
    server = createServer((_req, res) => {
      const [status, body] = answers[Math.min(hits, answers.length - 1)] as [number, string];
      hits++;
      res.writeHead(status, { 'content-type': 'application/json' }).end(body);
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/prices`, hits: () => hits };
  }

  it('fetches at start and on refresh; a failed fetch keeps the prices it had; a bad item is unknown, named', async () => {
    const good = JSON.stringify({
      prices: [
        { start: '2026-01-13T00:00:00Z', price: 0.11 },
        { start: '2026-01-13T01:00:00Z', price: 'x' },
      ],
    });
    const next = JSON.stringify({ prices: [{ start: '2026-01-13T02:00:00Z', price: 0.13 }] });
    const { url, hits } = await endpoint([
      [200, good],
      [500, 'down'],
      [200, 'not json'],
      [200, next],
    ]);
    const issues: string[] = [];
    const feed = new HttpPrices({
      url,
      refresh_s: 3600,
      timeout_ms: 2000,
      resolution_min: 60,
      keep_ms: 100 * 365 * 86_400_000,
      onIssue: (issue) => issues.push(issue),
    });
    await feed.start();
    expect(feed.series.at(T0 + 1000)).toEqual({ price: 0.11, until: T0 + 3_600_000 });
    expect(feed.series.at(T0 + 3_600_000)).toMatchObject({
      price: null,
      reason: `${url}: prices[1]: price is missing or not a number`,
    });
    await feed.refresh();
    await feed.refresh();
    expect(feed.series.at(T0 + 1000)).toMatchObject({ price: 0.11 });
    await feed.refresh();
    expect(feed.series.at(T0 + 2 * 3_600_000)).toEqual({ price: 0.13, until: T0 + 3 * 3_600_000 });
    expect(feed.series.at(T0 + 1000)).toMatchObject({ price: 0.11 });
    expect(hits()).toBe(4);
    expect(issues).toEqual([
      `${url}: prices[1]: price is missing or not a number`,
      `${url}: HTTP 500`,
      `${url}: answer is not JSON ("not json")`,
    ]);
    await feed.stop();
  });

  it('stops at once while a fetch hangs', async () => {
    server = createServer(() => {
      // never answers
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const issues: string[] = [];
    const feed = new HttpPrices({
      url,
      refresh_s: 1,
      timeout_ms: 60_000,
      resolution_min: 15,
      onIssue: (i) => issues.push(i),
    });
    const started = feed.start();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await feed.stop();
    await started;
    expect(issues).toEqual([]);
    expect(feed.series.size).toBe(0);
    server.closeAllConnections();
  });
});
