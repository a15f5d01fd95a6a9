import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { RESERVED_SITE_IDS } from '@wattbus/contract';
import { READ } from '@wattbus/mqtt/acl';
import { type ObservabilityEndpoint, serveObservability } from '@wattbus/observability';
import { Aedes, type Client } from 'aedes';
import type { Logger } from 'pino';
import { createAcceptor } from './acceptor.js';
import { ExactDedupe } from './aedes-dedupe-fix.js';
import { dropWillsOfReturnedClients, forgetStoredSubscriptions, onBrokerError } from './aedes-internals.js';
import { AccessControl } from './auth/access-control.js';
import { securityHooks } from './auth/aedes-hooks.js';
import { AuthFiles } from './auth/auth-files.js';
import { Authenticator } from './auth/authenticator.js';
import { ReservedClientIds } from './auth/reserved-client-ids.js';
import { SessionOwners } from './auth/session-owners.js';
import { dropReason } from './client-errors.js';
import { ClusterNode } from './cluster/cluster-node.js';
import { type ClusterStore, openClusterStore } from './cluster/redis-store.js';
import type { BrokerConfig } from './config.js';
import { QueueLimiter } from './limits/queue-limit.js';
import { UnsentBytes } from './limits/unsent-bytes.js';
import type { Acceptor, ConnectionInfo, Listener, ListenerContext, ListenerName } from './listeners/listener.js';
import { startTcpListener } from './listeners/tcp.js';
import { startTlsListener } from './listeners/tls.js';
import { startWsListener } from './listeners/ws.js';
import { BrokerMetrics } from './metrics.js';
import { type BrokerStore, openStore } from './persistence.js';
import { filterQueues } from './queue-filter.js';
import { SharedSubscriptions } from './shared/shared-subscriptions.js';

export interface RunningBroker {
  /** Bound port of each open listener. */
  ports: Partial<Record<ListenerName, number>>;
  metricsPort: number | undefined;
}

// Wills published while Aedes closes its clients reach the store a few ticks after close() returns.
const STORE_SETTLE_MS = 100;
const CLUSTER_STOP_MS = 5_000;

/** The embedded wattbus broker: Aedes with the listeners, authentication, ACL, limits and store of the config. */
export class Broker {
  private aedes: Aedes | undefined;
  private store: BrokerStore | undefined;
  private node: ClusterNode | undefined;
  private listeners: Listener[] = [];
  private metricsEndpoint: ObservabilityEndpoint | undefined;
  private readonly files: AuthFiles;

  constructor(
    private readonly config: BrokerConfig,
    private readonly log: Logger,
  ) {
    const { password_file, acl_file } = config.auth;
    this.files = new AuthFiles({
      passwordFile: password_file === undefined ? undefined : resolve(password_file),
      aclFile: acl_file === undefined ? undefined : resolve(acl_file),
    });
  }

  async start(): Promise<RunningBroker> {
    const { config, log, files } = this;
    await files.load();
    this.reportAuthFiles();
    const cluster = config.cluster;
    const clusterStore = cluster ? await openClusterStore(cluster, log) : undefined;
    const store = clusterStore ?? (await openStore(config.persistence?.path));
    this.store = store;
    // Unique per process: the Redis store keys queued messages by the broker's id and a counter that starts at 0.
    const id = cluster ? `${cluster.node_id}-${randomUUID().slice(0, 8)}` : undefined;
    const node = cluster && clusterStore && id ? new ClusterNode(id, clusterStore, cluster.heartbeat_ms) : undefined;
    this.node = node;
    const owners = new SessionOwners(store.owners);
    await owners.load();
    const access = new AccessControl(files, owners, new ReservedClientIds(config.auth.reserved_client_ids));
    const queues = new QueueLimiter(config.limits.max_queued_messages, (clientId) =>
      log.warn({ client: clientId, max: config.limits.max_queued_messages }, 'queue full: dropping new messages'),
    );
    const unsent = new UnsentBytes();
    const metrics = new BrokerMetrics({
      clientsConnected: () => this.aedes?.connectedClients ?? 0,
      queuedMessages: () => queues.total,
      unsentBytes: () => unsent.total,
    });
    metrics.collectProcessMetrics('wattbus_broker_');
    const connections = new WeakMap<object, ConnectionInfo>();

    const aedes = await Aedes.createBroker({
      persistence: store.aedes,
      ...(cluster && { id, mq: clusterStore?.mq, heartbeatInterval: cluster.heartbeat_ms }),
      connectTimeout: config.limits.connect_timeout_ms,
      // mqemitter holds back every message while 100 are still being written to their subscribers, so one
      // client that stops reading stalled everyone's deliveries (and the queue grew until the process died).
      // Dispatch without that limit: what waits for a slow reader is bounded by limits.slow_reader instead
      // (bytes, and the time until it is dropped), and only the publishers of its messages wait with it.
      concurrency: 0,
      drainTimeout: config.limits.slow_reader.timeout_ms,
      maxInflightInbound: config.limits.max_inflight_qos2,
      ...securityHooks({
        authenticator: new Authenticator(files, config.auth.allow_anonymous),
        access,
        connections,
        metrics,
        log,
        forgetSubscriptions: (clientId) => forgetStoredSubscriptions(aedes, clientId),
      }),
    });
    this.aedes = aedes;
    const dedupe = new ExactDedupe();
    dedupe.install(aedes);
    const shares = new SharedSubscriptions(
      aedes,
      {
        mayRead: (clientId, topic) => access.mayQueue(clientId, READ, topic),
        unacknowledged: (clientId) => queues.count(clientId),
        hasRoom: (clientId) => queues.hasRoom(clientId),
      },
      store.shareMembers,
      log,
      node,
    );
    filterQueues(aedes, {
      accept: (clientId, topic) => {
        if (!access.mayQueue(clientId, READ, topic)) {
          metrics.aclDenials.inc({ action: 'read' });
          return false;
        }
        if (queues.reserve(clientId)) return true;
        metrics.queueDrops.inc();
        return false;
      },
      cleared: (clientId) => queues.release(clientId),
      acknowledged: (clientId, messageId) => shares.acknowledged(clientId, messageId),
      route: (packet) => shares.route(packet),
    });
    await shares.load();
    if (node && clusterStore) this.joinCluster(aedes, node, clusterStore, owners, queues, shares);
    this.watchClients(aedes, connections, metrics);

    const acceptor = createAcceptor({
      aedes,
      dedupe,
      limits: config.limits,
      access,
      connections,
      metrics,
      unsent,
      log,
    });
    await this.openListeners(acceptor, metrics);
    if (config.metrics) this.metricsEndpoint = await serveObservability(metrics.registry, config.metrics);

    const running: RunningBroker = {
      ports: Object.fromEntries(this.listeners.map((l) => [l.name, l.port])),
      metricsPort: this.metricsEndpoint?.port,
    };
    log.info(
      {
        listeners: this.listeners.map(({ name, host, port }) => ({ name, host, port })),
        metrics: running.metricsPort,
        anonymous: config.auth.allow_anonymous,
        acl: files.paths.aclFile ?? null,
        persistence: config.persistence ? resolve(config.persistence.path) : null,
      },
      'broker listening',
    );
    return running;
  }

  /** Tells the other nodes whose sessions are bound here, and keeps the queue counts true to the shared store. */
  private joinCluster(
    aedes: Aedes,
    node: ClusterNode,
    store: ClusterStore,
    owners: SessionOwners,
    queues: QueueLimiter,
    shares: SharedSubscriptions,
  ): void {
    owners.onChange = (clientId, owner, persistent, released) => node.sendOwner(clientId, owner, persistent, released);
    const stored = (write: Promise<void>) =>
      write.catch((err: Error) => this.log.error({ err: err.message }, 'cluster: storing where a client is failed'));
    aedes.on('client', (client) => stored(store.setClientNode(client.id, node.node)));
    aedes.on('clientDisconnect', (client) => stored(store.clearClientNode(client.id, node.node)));
    dropWillsOfReturnedClients(store.aedes, async ({ clientId, brokerId }) => {
      const now = await store.clientNode(clientId);
      return now !== undefined && now !== brokerId && node.alive(now);
    });
    node.onOwner(({ clientId, owner, persistent, released }) =>
      owners.applyRemote(clientId, owner, persistent, released),
    );
    let reconciling = false;
    node.start(() => {
      shares.tick();
      if (reconciling) return;
      reconciling = true;
      const clientIds = [...new Set([...queues.clients(), ...shares.localPersistentMembers()])];
      store
        .queueLengths(clientIds)
        .then((lengths) => {
          for (const [i, clientId] of clientIds.entries()) queues.reconcile(clientId, lengths[i] ?? 0);
        })
        .catch((err: Error) => this.log.error({ err: err.message }, 'cluster: reading queue lengths failed'))
        .finally(() => {
          reconciling = false;
        });
    });
    this.log.info({ node: node.node, redis: store.redisUrl }, 'cluster node started');
  }

  private async openListeners(acceptor: Acceptor, metrics: BrokerMetrics): Promise<void> {
    const { listeners, limits } = this.config;
    const onTlsError = (err: Error) => {
      metrics.disconnects.inc({ reason: 'tls_handshake' });
      this.log.debug({ err: err.message }, 'TLS handshake failed');
    };
    const context: ListenerContext = {
      acceptor,
      maxPacketBytes: limits.max_packet_bytes,
      handshakeTimeoutMs: limits.connect_timeout_ms,
      onTlsError,
    };
    const opening = [
      listeners.tcp && startTcpListener(listeners.tcp, context),
      listeners.tls && startTlsListener(listeners.tls, context),
      listeners.ws && startWsListener(listeners.ws, context),
      listeners.wss && startWsListener(listeners.wss, context),
    ].filter((l) => l !== undefined);
    const results = await Promise.allSettled(opening);
    this.listeners = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  private watchClients(aedes: Aedes, connections: WeakMap<object, ConnectionInfo>, metrics: BrokerMetrics): void {
    const { log } = this;
    const who = (client: Client) => {
      const info = connections.get(client.conn);
      return { client: client.id, username: info?.username, listener: info?.listener, remote: info?.remoteAddress };
    };
    aedes.on('client', (client) => log.info(who(client), 'client connected'));
    aedes.on('clientDisconnect', (client) => log.info(who(client), 'client disconnected'));
    aedes.on('publish', (_packet, client) => {
      if (client) metrics.messagesIn.inc();
    });
    // Aedes reports the error again for every write that was waiting when the client was dropped.
    const dropped = new WeakSet<Client>();
    const onError = (client: Client, err: Error) => {
      const reason = dropReason(err);
      if (reason === undefined) return log.debug({ ...who(client), err: err.message }, 'connection error');
      if (dropped.has(client)) return;
      dropped.add(client);
      metrics.disconnects.inc({ reason });
      // A denied publish was logged when it was denied.
      if (reason !== 'publish_denied') log.warn({ ...who(client), reason, err: err.message }, 'client dropped');
    };
    // Aedes' own background work (the Wills of dead cluster nodes) reports a store that cannot be reached here; the
    // broker goes on and tries again, as its clients do.
    onBrokerError(aedes, (err) => log.error({ err: err.message }, 'broker error'));
    aedes.on('clientError', onError);
    aedes.on('connectionError', onError);
  }

  private reportAuthFiles(): void {
    const { files, log, config } = this;
    const { passwordFile, aclFile } = files.paths;
    for (const problem of files.passwords?.problems ?? []) {
      log.warn({ file: passwordFile, ...problem }, 'password file entry skipped or overridden');
    }
    for (const user of files.passwords?.users.keys() ?? []) {
      if ((RESERVED_SITE_IDS as readonly string[]).includes(user) || /[+#/]/.test(user)) {
        log.warn({ file: passwordFile, user }, 'username unsafe in ACL patterns (reserved site id, or + # /)');
      }
    }
    if (!passwordFile && !config.auth.allow_anonymous) {
      log.warn('no auth.password_file and allow_anonymous is false: no client can connect');
    }
    if (!aclFile) log.warn('no auth.acl_file: every client may read and write every topic');
    log.info(
      { passwordFile, users: files.passwords?.users.size, aclFile, aclUsers: files.acl?.users.size },
      'auth files loaded',
    );
  }

  /** SIGHUP: re-reads the password and ACL files and the TLS certificates; keeps the old ones on error. */
  async reload(): Promise<void> {
    try {
      await this.files.load();
      await Promise.all(this.listeners.map((l) => l.reloadTls()));
      this.reportAuthFiles();
    } catch (err) {
      this.log.error({ err: (err as Error).message }, 'reload failed: keeping the previous files');
    }
  }

  async stop(): Promise<void> {
    // Stop accepting first; the servers finish closing once Aedes has disconnected their clients.
    const closing = this.listeners.map((l) => l.close());
    const closed = new Promise<void>((done) => (this.aedes ? this.aedes.close(() => done()) : done()));
    // A cluster node whose Redis is away waits for it in every store call, closing its clients too: give up after a
    // while (what was not written is in Redis' hands, or the clients', as with a crash).
    await (this.node ? Promise.race([closed, sleep(CLUSTER_STOP_MS)]) : closed);
    await (this.node ? Promise.race([Promise.all(closing), sleep(CLUSTER_STOP_MS)]) : Promise.all(closing));
    await this.metricsEndpoint?.close();
    this.node?.stop();
    if (this.store) {
      await sleep(STORE_SETTLE_MS);
      await this.store.close();
    }
  }
}
