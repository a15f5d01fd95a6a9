import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Alert } from '@wattbus/contract';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { NotifyError } from '../notifier.js';
import { WEBHOOK_MAX_PENDING, WebhookNotifier } from './webhook.js';

const alert = (site: string): Alert => ({
  v: 1,
  site,
  rule: 'overload',
  ts: 1_763_800_000_000,
  state: 'raised',
  severity: 'critical',
  message: `overload at ${site}: 1 open (raised: main/grid)`,
  open: [{ subject: 'main/grid', since: 1_763_800_000_000, message: '9500 W above the limit of 9000 W', value: 9500 }],
});

interface Received {
  method: string;
  type: string | undefined;
  auth: string | undefined;
  body: unknown;
}

/** Answers each POST with the next status of `statuses` (then 200) and records it. */
async function hookServer(statuses: number[]): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        method: req.method ?? '',
        type: req.headers['content-type'],
        auth: req.headers.authorization,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
      });
      res.statusCode = statuses.shift() ?? 200;
      res.end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received };
}

const silent = pino({ level: 'silent' });
const retry = { attempts: 3, backoff_ms: 10, max_backoff_ms: 20 };
let servers: Server[] = [];
afterEach(async () => {
  for (const s of servers) s.close();
  servers = [];
});

describe('WebhookNotifier', () => {
  it('POSTs the alert as JSON and retries after a 500', async () => {
    const { server, url, received } = await hookServer([500]);
    servers.push(server);
    const hook = new WebhookNotifier({ url, headers: { authorization: 'Bearer t' }, timeout_ms: 5000, retry }, silent);
    await hook.deliver(alert('house-12'));
    expect(received).toEqual([
      { method: 'POST', type: 'application/json', auth: 'Bearer t', body: alert('house-12') },
      { method: 'POST', type: 'application/json', auth: 'Bearer t', body: alert('house-12') },
    ]);
    await hook.close();
  });

  it('gives up after `attempts` with a NotifyError naming the target, status and attempts', async () => {
    const { server, url, received } = await hookServer([503, 503, 503]);
    servers.push(server);
    const hook = new WebhookNotifier({ url, headers: {}, timeout_ms: 5000, retry }, silent);
    const err = await hook.deliver(alert('house-12')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotifyError);
    expect((err as NotifyError).context).toEqual({ notifier: 'webhook', target: url, attempts: 3, status: 503 });
    expect((err as Error).message).toBe(`webhook to ${url}: HTTP 503 (after 3 attempts)`);
    expect(received).toHaveLength(3);
  });

  it('notify() never throws, and close() waits for deliveries under way', async () => {
    const { server, url, received } = await hookServer([]);
    servers.push(server);
    const hook = new WebhookNotifier({ url, headers: {}, timeout_ms: 5000, retry }, silent);
    hook.notify(alert('house-1'));
    hook.notify(alert('house-2'));
    await hook.close();
    expect(received.map((r) => (r.body as Alert).site).sort()).toEqual(['house-1', 'house-2']);
  });

  it('holds at most WEBHOOK_MAX_PENDING deliveries while the endpoint fails; later changes are logged, not queued', async () => {
    const { server, url, received } = await hookServer(Array(5000).fill(503));
    servers.push(server);
    const lines: Array<{ msg: string; site?: string; dropped?: number }> = [];
    const log = pino({ level: 'warn' }, { write: (line: string) => lines.push(JSON.parse(line)) });
    const slow = { attempts: 5, backoff_ms: 60_000, max_backoff_ms: 60_000 };
    const hook = new WebhookNotifier({ url, headers: {}, timeout_ms: 5000, retry: slow }, log);
    for (let i = 0; i < WEBHOOK_MAX_PENDING + 200; i++) hook.notify(alert(`house-${i}`));
    const dropped = lines.filter((l) => l.msg === 'webhook backlog full: alert change not posted');
    expect(dropped.map((l) => l.site)).toEqual(
      Array.from({ length: 200 }, (_, i) => `house-${WEBHOOK_MAX_PENDING + i}`),
    );
    expect(dropped.at(-1)?.dropped).toBe(200);
    await hook.close(); // gives up the retries
    expect(received.length).toBeGreaterThan(0);
    const index = (r: Received) => Number((r.body as Alert).site.slice('house-'.length));
    expect(Math.max(...received.map(index))).toBeLessThan(WEBHOOK_MAX_PENDING);
  });
});
