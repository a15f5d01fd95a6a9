import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:net';
import { Aedes } from 'aedes';
import type { Logger } from 'pino';
import type { BrokerConfig } from './config.js';

const NOT_AUTHORIZED = 5;

/** The embedded wattbus broker: Aedes behind a TCP listener. */
export class Broker {
  private aedes: Aedes | undefined;
  private server: Server | undefined;

  constructor(
    private readonly config: BrokerConfig,
    private readonly log: Logger,
  ) {}

  /** Starts listening; resolves with the bound TCP port. */
  async start(): Promise<{ port: number }> {
    const { config, log } = this;
    const aedes = await Aedes.createBroker({
      authenticate: (client, username, _password, done) => {
        if (config.auth.allow_anonymous) return done(null, true);
        log.warn({ client: client.id, username }, 'connection refused: authentication required');
        const error = Object.assign(new Error('not authorized'), { returnCode: NOT_AUTHORIZED });
        done(error as Parameters<typeof done>[0], false);
      },
    });
    aedes.on('client', (c) => log.debug({ client: c.id }, 'client connected'));
    aedes.on('clientDisconnect', (c) => log.debug({ client: c.id }, 'client disconnected'));
    aedes.on('clientError', (c, err) => log.debug({ client: c.id, err: err.message }, 'client error'));
    this.aedes = aedes;
    const server = createServer(aedes.handle);
    this.server = server;
    const { host, port } = config.listeners.tcp;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    const bound = (server.address() as AddressInfo).port;
    log.info({ host, port: bound, anonymous: config.auth.allow_anonymous }, 'broker listening (mqtt/tcp)');
    return { port: bound };
  }

  async stop(): Promise<void> {
    // Aedes first: it disconnects the clients, which lets the server's close complete.
    await new Promise<void>((resolve) => (this.aedes ? this.aedes.close(() => resolve()) : resolve()));
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
