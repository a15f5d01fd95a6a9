import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Logger } from 'pino';
import type { Api } from './api.js';
import { HttpError, requestTarget, securityHeaders, sendJson } from './http-util.js';
import { InfluxError } from './influx-client.js';
import type { StaticFile } from './static-files.js';

/** How long a request may take to arrive whole (headers and body). */
const REQUEST_TIMEOUT_MS = 15_000;

type Handler = (req: IncomingMessage, res: ServerResponse, params: URLSearchParams) => Promise<void>;

/**
 * The HTTP server: routes to the API, serves the static files, answers errors as JSON. No request can take
 * the process down: whatever a handler throws becomes an answer (4xx, or 500 and a log line), and a request
 * Node cannot even parse gets 400 (or 431) and a log line.
 */
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
      'GET /api/energy-cost': (req, res, p) => api.energyCost(req, res, p),
      'GET /api/appliance-names': (req, res, p) => api.applianceNames(req, res, p),
      'PUT /api/appliance-names': (req, res, p) => api.nameAppliance(req, res, p),
      'GET /api/export.csv': (req, res, p) => api.download(req, res, p),
      'GET /healthz': async (_req, res) => sendJson(res, 200, { ok: true }),
    };
    this.server = createServer((req, res) => {
      this.handle(req, res)
        .catch((err: unknown) => this.fail(req, res, err))
        .catch((err: unknown) => {
          this.log.error({ err, method: req.method, url: req.url }, 'error answer failed');
          res.destroy();
        });
    });
    // A request (headers and body) must be complete within this; Node's default waits 5 minutes for a body a
    // client announced and never sends, holding a socket per such request.
    this.server.requestTimeout = REQUEST_TIMEOUT_MS;
    this.server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => this.malformed(err, socket));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    for (const [k, v] of Object.entries(this.headers)) res.setHeader(k, v);
    const { path, params } = requestTarget(req.url);
    const route = this.routes[`${req.method} ${path}`];
    if (route !== undefined) return await route(req, res, params);
    const file = this.files.get(path);
    if (file !== undefined && (req.method === 'GET' || req.method === 'HEAD')) {
      res.writeHead(200, {
        'content-type': file.type,
        'content-length': file.body.length,
        'cache-control': 'no-cache',
      });
      res.end(req.method === 'HEAD' ? undefined : file.body);
      return;
    }
    throw new HttpError(path.startsWith('/api/') || file === undefined ? 404 : 405, 'not found');
  }

  private fail(req: IncomingMessage, res: ServerResponse, err: unknown): void {
    if (res.headersSent) {
      this.log.error({ err, method: req.method, url: req.url }, 'request failed after its answer began');
      res.destroy();
    } else if (err instanceof HttpError) {
      sendJson(res, err.status, { error: err.message }, err.headers);
    } else if (err instanceof InfluxError) {
      this.log.error({ err: err.message }, 'history query failed');
      sendJson(res, 502, { error: 'history is unavailable right now' });
    } else {
      this.log.error({ err, method: req.method, url: req.url }, 'request failed');
      sendJson(res, 500, { error: 'internal error' });
    }
  }

  private malformed(err: NodeJS.ErrnoException, socket: Socket): void {
    this.log.warn({ code: err.code, reason: err.message, remote: socket.remoteAddress }, 'malformed request');
    if (!socket.writable || err.code === 'ECONNRESET') {
      socket.destroy();
      return;
    }
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
    socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
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
