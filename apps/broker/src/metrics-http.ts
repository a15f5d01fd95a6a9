import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { BrokerConfig } from './config.js';

export interface MetricsEndpoint {
  port: number;
  close(): Promise<void>;
}

/** Serves `registry` in the Prometheus text format at `config.path`. */
export async function serveMetrics(
  registry: Registry,
  config: NonNullable<BrokerConfig['metrics']>,
): Promise<MetricsEndpoint> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || new URL(req.url ?? '/', 'http://x').pathname !== config.path) {
      res.writeHead(404).end();
      return;
    }
    registry.metrics().then(
      (body) => res.writeHead(200, { 'content-type': registry.contentType }).end(body),
      (err: Error) => res.writeHead(500).end(err.message),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
