import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Api } from './api.js';
import { HttpError, securityHeaders, sendJson } from './http-util.js';
import { InfluxError } from './influx-client.js';
import type { StaticFile } from './static-files.js';

type Handler = (req: IncomingMessage, res: ServerResponse, params: URLSearchParams) => Promise<void>;

/** The HTTP server: routes to the API, serves the static files, answers errors as JSON. */
export class PortalServer {
  private readonly server: Server;
  private readonly routes: Record<string, Handler>;
  private readonly headers: Record<string, string>;

  constructor(
    api: Api,
    private readonly files: Map<string, StaticFile>,
    wsUrl: string,
    private readonly log: Logger,
  ) {
    this.headers = securityHeaders(wsUrl);
    this.routes = {
      'POST /api/login': (req, res) => api.login(req, res),
      'POST /api/logout': (req, res) => api.logout(req, res),
      'GET /api/me': (req, res) => api.me(req, res),
      'GET /api/history': (req, res, p) => api.history(req, res, p),
      'GET /api/energy': (req, res, p) => api.energy(req, res, p),
      'GET /healthz': async (_req, res) => sendJson(res, 200, { ok: true }),
    };
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    for (const [k, v] of Object.entries(this.headers)) res.setHeader(k, v);
    const url = new URL(req.url ?? '/', 'http://portal.invalid');
    try {
      const route = this.routes[`${req.method} ${url.pathname}`];
      if (route !== undefined) return await route(req, res, url.searchParams);
      const file = this.files.get(url.pathname);
      if (file !== undefined && (req.method === 'GET' || req.method === 'HEAD')) {
        res.writeHead(200, {
          'content-type': file.type,
          'content-length': file.body.length,
          'cache-control': 'no-cache',
        });
        res.end(req.method === 'HEAD' ? undefined : file.body);
        return;
      }
      throw new HttpError(url.pathname.startsWith('/api/') || file === undefined ? 404 : 405, 'not found');
    } catch (err) {
      if (err instanceof HttpError) return sendJson(res, err.status, { error: err.message }, err.headers);
      if (err instanceof InfluxError) {
        this.log.error({ err: err.message }, 'history query failed');
        return sendJson(res, 502, { error: 'history is unavailable right now' });
      }
      this.log.error({ err }, 'request failed');
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else res.destroy();
    }
  }

  async listen(host: string, port: number): Promise<AddressInfo> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => resolve());
    });
    return this.server.address() as AddressInfo;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
