import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exampleReading } from '@wattbus/contract';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toLine } from '../src/influx/line-protocol.js';
import { InfluxV2Sink, WRITE_OPTIONS } from '../src/influx2/influx2-sink.js';

// No InfluxDB 2 server can be installed here. This checks the exact HTTP request the real client library
// sends and how each answer is classified; test/live/influx2.live.test.ts runs the shared sink suite
// against a real server when WATTBUS_TEST_INFLUX2 is set.
describe('influx2 sink (@influxdata/influxdb-client)', () => {
  let requests: Array<{ method: string; url: string; auth: string | undefined; body: string }>;
  let answer: { status: number; body: string };
  let url: string;
  let close: () => Promise<void>;

  beforeEach(async () => {
    requests = [];
    answer = { status: 204, body: '' };
    const server = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        requests.push({ method: req.method ?? '', url: req.url ?? '', auth: req.headers.authorization, body });
        res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => new Promise((r) => server.close(() => r()));
  });
  afterEach(async () => close());

  const sink = () =>
    new InfluxV2Sink(
      { url, org: 'wattbus org', bucket: 'readings', token: 's3cret', timeout_ms: 2000, site_tags: ['city'] },
      { siteTags: () => ({ city: 'Gent', postcode: '9000' }) },
    );

  it('writes the batch in one request: org, bucket, ms precision, token, our line protocol', async () => {
    const s = sink();
    await s.open();
    const a = exampleReading();
    const b = { ...a, seq: a.seq + 1, ts: a.ts + 1000 };
    await s.write([a, b]);
    expect(requests).toHaveLength(1);
    const [req] = requests;
    expect(req?.method).toBe('POST');
    expect(req?.url).toBe('/api/v2/write?org=wattbus%20org&bucket=readings&precision=ms');
    expect(req?.auth).toBe('Token s3cret');
    // with the site's city (the one info tag chosen), not its postcode
    expect(req?.body).toBe(`${toLine(a, { city: 'Gent' })}\n${toLine(b, { city: 'Gent' })}`);
    expect(req?.body).toContain(',city=Gent,');
    await s.close();
  });

  it('leaves batching and retries to the worker', () => {
    expect(WRITE_OPTIONS).toMatchObject({ maxRetries: 0, flushInterval: 0 });
  });

  it.each([
    [422, true],
    [400, true],
    [503, false],
    [401, false],
  ])('HTTP %i is %s permanent', async (status, permanent) => {
    answer = { status, body: JSON.stringify({ code: 'x', message: `answer ${status}` }) };
    const s = sink();
    await s.open();
    const error = await s.write([exampleReading()]).catch((e: unknown) => e);
    expect(error).toMatchObject({ sink: 'influx2', permanent });
    expect((error as Error).message).toContain(`HTTP ${status}`);
    expect(requests).toHaveLength(1); // the client did not retry by itself
    await s.close();
  });
});
