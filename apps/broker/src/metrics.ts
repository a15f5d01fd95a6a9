import { MetricSet } from '@wattbus/observability';

export interface MetricSources {
  clientsConnected: () => number;
  queuedMessages: () => number;
  unsentBytes: () => number;
}

/** The broker's Prometheus metrics, in a registry of its own (plus prom-client's process metrics, once asked for). */
export class BrokerMetrics extends MetricSet {
  readonly messagesIn = this.counter(
    'wattbus_broker_messages_in_total',
    'PUBLISH packets accepted from clients (Wills included)',
  );
  readonly messagesOut = this.counter(
    'wattbus_broker_messages_out_total',
    'messages sent to subscribers (retained and queued ones included)',
  );
  readonly authFailures = this.counter(
    'wattbus_broker_auth_failures_total',
    'connections refused at CONNECT, by reason',
    ['reason'],
  );
  readonly aclDenials = this.counter(
    'wattbus_broker_acl_denials_total',
    'publishes, Wills and shared subscriptions refused by the ACL (publish, will, subscribe), and messages not delivered or queued (read)',
    ['action'],
  );
  readonly connectionsRefused = this.counter(
    'wattbus_broker_connections_refused_total',
    'TCP connections closed before any MQTT, by reason (max_connections, connection_rate)',
    ['reason'],
  );
  readonly disconnects = this.counter(
    'wattbus_broker_client_errors_total',
    'connections closed by the broker because of the client, by reason',
    ['reason'],
  );
  readonly throttled = this.counter(
    'wattbus_broker_throttled_total',
    'times a connection was paused for going over limits.publish_rate',
  );
  readonly queueDrops = this.counter(
    'wattbus_broker_queue_drops_total',
    'messages not queued for a persistent session that had limits.max_queued_messages already',
  );

  constructor(sources: MetricSources) {
    super();
    this.gauge('wattbus_broker_clients_connected', 'clients connected now', sources.clientsConnected);
    this.gauge(
      'wattbus_broker_messages_queued',
      'QoS1/2 messages held for persistent sessions (offline, or sent and not yet acknowledged)',
      sources.queuedMessages,
    );
    this.gauge(
      'wattbus_broker_unsent_bytes',
      'bytes written to clients that their sockets have not taken yet (a slow reader shows here first)',
      sources.unsentBytes,
    );
  }
}
