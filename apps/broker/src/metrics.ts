import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';

export interface MetricSources {
  clientsConnected: () => number;
  queuedMessages: () => number;
  unsentBytes: () => number;
}

/** The broker's Prometheus metrics, in a registry of its own (plus the process metrics of prom-client). */
export class BrokerMetrics {
  readonly registry = new Registry();
  readonly messagesIn = new Counter({
    name: 'wattbus_broker_messages_in_total',
    help: 'PUBLISH packets accepted from clients (Wills included)',
    registers: [this.registry],
  });
  readonly messagesOut = new Counter({
    name: 'wattbus_broker_messages_out_total',
    help: 'messages sent to subscribers (retained and queued ones included)',
    registers: [this.registry],
  });
  readonly authFailures = new Counter({
    name: 'wattbus_broker_auth_failures_total',
    help: 'connections refused at CONNECT, by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly aclDenials = new Counter({
    name: 'wattbus_broker_acl_denials_total',
    help: 'publishes, Wills and shared subscriptions refused by the ACL (publish, will, subscribe), and messages not delivered or queued (read)',
    labelNames: ['action'] as const,
    registers: [this.registry],
  });
  readonly connectionsRefused = new Counter({
    name: 'wattbus_broker_connections_refused_total',
    help: 'TCP connections closed before any MQTT, by reason (max_connections, connection_rate)',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly disconnects = new Counter({
    name: 'wattbus_broker_client_errors_total',
    help: 'connections closed by the broker because of the client, by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly throttled = new Counter({
    name: 'wattbus_broker_throttled_total',
    help: 'times a connection was paused for going over limits.publish_rate',
    registers: [this.registry],
  });
  readonly queueDrops = new Counter({
    name: 'wattbus_broker_queue_drops_total',
    help: 'messages not queued for a persistent session that had limits.max_queued_messages already',
    registers: [this.registry],
  });

  constructor(sources: MetricSources) {
    new Gauge({
      name: 'wattbus_broker_clients_connected',
      help: 'clients connected now',
      registers: [this.registry],
      collect() {
        this.set(sources.clientsConnected());
      },
    });
    new Gauge({
      name: 'wattbus_broker_messages_queued',
      help: 'QoS1/2 messages held for persistent sessions (offline, or sent and not yet acknowledged)',
      registers: [this.registry],
      collect() {
        this.set(sources.queuedMessages());
      },
    });
    new Gauge({
      name: 'wattbus_broker_unsent_bytes',
      help: 'bytes written to clients that their sockets have not taken yet (a slow reader shows here first)',
      registers: [this.registry],
      collect() {
        this.set(sources.unsentBytes());
      },
    });
  }

  /** Adds prom-client's process metrics (CPU, memory, event loop lag, ...). */
  collectProcessMetrics(): void {
    collectDefaultMetrics({ register: this.registry, prefix: 'wattbus_broker_' });
  }
}
