import { Counter, Registry } from 'prom-client';
import { expect, it } from 'vitest';
import { serveObservability } from './http-endpoint.js';

it('serves Prometheus metrics and a health check that turns 503 when unhealthy', async () => {
  const registry = new Registry();
  const counter = new Counter({ name: 'wattbus_test_total', help: 'a test counter', registers: [registry] });
  counter.inc(3);
  let ok = true;
  const endpoint = await serveObservability(registry, { host: '127.0.0.1', port: 0, path: '/metrics' }, () => ({
    ok,
    mqtt: ok,
  }));
  const base = `http://127.0.0.1:${endpoint.port}`;
  const metrics = await fetch(`${base}/metrics`);
  expect(metrics.status).toBe(200);
  expect(await metrics.text()).toContain('wattbus_test_total 3');
  expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ ok: true, mqtt: true });
  ok = false;
  const down = await fetch(`${base}/healthz`);
  expect(down.status).toBe(503);
  expect(await down.json()).toEqual({ ok: false, mqtt: false });
  expect((await fetch(`${base}/other`)).status).toBe(404);
  await endpoint.close();
});
