import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Credentials, verifyDigest } from '@wattbus/meter-wire/digest';

/** Faults every simulated HTTP device can inject, on its next requests. */
export type TransportFault =
  /** HTTP 500 with a short text body. */
  | 'http500'
  /** The request is accepted and never answered (the client's timeout must fire). */
  | 'timeout'
  /** A 200 whose body stops halfway (the connection closes cleanly, as a device rebooting mid-answer would). */
  | 'truncated';

export const TRANSPORT_FAULTS: readonly TransportFault[] = ['http500', 'timeout', 'truncated'];

export interface SimAnswer {
  status?: number;
  contentType: string;
  body: string;
}

export interface SimHttpServerOptions<F extends string> {
  /** The device: answers a request (given the data fault to apply, if any), or undefined for a 404. */
  handle(url: URL, fault: F | undefined): SimAnswer | undefined;
  /** Require authentication like the real device can. */
  auth?: Credentials & { scheme: 'basic' | 'digest'; realm?: string };
  /** Listen port on 127.0.0.1; default: a free port chosen by the system. */
  port?: number;
}

/**
 * The HTTP side shared by the device simulators: listens on 127.0.0.1, checks Basic/Digest credentials, applies
 * injected faults one request at a time, and records what was asked (tests check the queries drivers make).
 */
export class SimHttpServer<F extends string> {
  /** Path and query of every authenticated request, in order. */
  readonly requests: string[] = [];
  /** 401 answers sent (authentication challenges). */
  challenges = 0;
  private readonly faults: Array<F | TransportFault> = [];
  private readonly nonce = randomBytes(12).toString('hex');
  private server: Server | undefined;
  private port = 0;

  constructor(private readonly options: SimHttpServerOptions<F>) {}

  get url(): string {
    if (!this.server) throw new Error('simulator not started');
    return `http://127.0.0.1:${this.port}`;
  }

  /** The next `times` requests get this fault (faults queue up in the order injected). */
  inject(fault: F | TransportFault, times = 1): void {
    for (let i = 0; i < times; i++) this.faults.push(fault);
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => this.serve(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port ?? 0, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private serve(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://device');
    if (!this.authorized(req, res)) return;
    this.requests.push(`${url.pathname}${url.search}`);
    const fault = this.faults.shift();
    if (fault === 'timeout') return; // hold the request; stop() closes the socket
    if (fault === 'http500') {
      res.writeHead(500, { 'content-type': 'text/plain' }).end('Internal Server Error\n');
      return;
    }
    const answer = this.options.handle(url, isTransport(fault) ? undefined : fault);
    if (!answer) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found\n');
      return;
    }
    const body = fault === 'truncated' ? answer.body.slice(0, Math.floor(answer.body.length / 2)) : answer.body;
    res.writeHead(answer.status ?? 200, { 'content-type': answer.contentType }).end(body);
  }

  private authorized(req: IncomingMessage, res: ServerResponse): boolean {
    const auth = this.options.auth;
    if (!auth) return true;
    const header = req.headers.authorization;
    const realm = auth.realm ?? 'device';
    if (auth.scheme === 'basic') {
      const expected = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
      if (header === expected) return true;
      this.challenges++;
      res.writeHead(401, { 'www-authenticate': `Basic realm="${realm}"` }).end();
      return false;
    }
    if (verifyDigest(header, auth, req.method ?? 'GET', this.nonce)) return true;
    this.challenges++;
    res.writeHead(401, { 'www-authenticate': `Digest realm="${realm}", nonce="${this.nonce}", qop="auth"` }).end();
    return false;
  }
}

function isTransport(fault: string | undefined): fault is TransportFault {
  return (TRANSPORT_FAULTS as readonly string[]).includes(fault ?? '');
}
