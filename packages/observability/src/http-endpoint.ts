import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Static, Type } from '@sinclair/typebox';
import type { Registry } from 'prom-client';

/** The `metrics:` section of an app config. */
export const MetricsConfigSchema = Type.Object(
  {
    host: Type.String({ default: '127.0.0.1', description: 'address of the HTTP endpoint (0.0.0.0 for all)' }),
    port: Type.Integer({ minimum: 0, maximum: 65535, default: 9464, description: '0 = any free port' }),
    path: Type.String({ default: '/metrics', pattern: '^/', description: 'HTTP path of the Prometheus endpoint' }),
  },
  { additionalProperties: false },
);
export type MetricsConfig = Static<typeof MetricsConfigSchema>;

/** What `/healthz` answers: 200 when `ok`, else 503, with the details as JSON. */
export type HealthCheck = () => { ok: boolean; [detail: string]: unknown };

export interface ObservabilityEndpoint {
  port: number;
  close(): Promise<void>;
}

/**
 * `GET /metrics` (or `config.path`) in the Prometheus text format and `GET /healthz` for load balancers, systemd and compose
 * healthchecks. Nothing else is served.
 */
export async function serveObservability(
  registry: Registry,
  config: MetricsConfig,
  health: HealthCheck = () => ({ ok: true }),
): Promise<ObservabilityEndpoint> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method === 'GET' && path === config.path) {
      registry.metrics().then(
        (body) => res.writeHead(200, { 'content-type': registry.contentType }).end(body),
        (err: Error) => res.writeHead(500).end(err.message),
      );
    } else if (req.method === 'GET' && path === '/healthz') {
      const result = health();
      res.writeHead(result.ok ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(result));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
