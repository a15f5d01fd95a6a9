import { type Static, Type } from '@sinclair/typebox';

const FilePath = (what: string) =>
  Type.String({ minLength: 1, description: `${what} (a path relative to the working directory, or absolute)` });

const bind = (port: number) => ({
  host: Type.String({ default: '127.0.0.1', description: 'address to bind; 0.0.0.0 for every interface' }),
  port: Type.Integer({ minimum: 0, maximum: 65535, default: port, description: '0 = any free port' }),
});

const tlsFiles = {
  cert_file: FilePath('PEM server certificate, with its chain (mosquitto: certfile)'),
  key_file: FilePath('PEM private key of the server certificate (mosquitto: keyfile)'),
  ca_file: Type.Optional(FilePath('PEM CA certificates that client certificates must chain to (mosquitto: cafile)')),
  require_client_cert: Type.Boolean({
    default: false,
    description: 'refuse clients without a certificate signed by ca_file (mosquitto: require_certificate)',
  }),
  use_identity_as_username: Type.Boolean({
    default: false,
    description:
      'the CN of the client certificate is the username and no password is checked; needs require_client_cert ' +
      '(mosquitto: use_identity_as_username)',
  }),
};

const wsPath = Type.String({ default: '/mqtt', pattern: '^/', description: 'HTTP path of the WebSocket endpoint' });

const TcpListener = Type.Object(bind(1883), { additionalProperties: false, description: 'plain MQTT over TCP' });
const TlsListener = Type.Object(
  { ...bind(8883), ...tlsFiles },
  { additionalProperties: false, description: 'MQTT over TLS' },
);
const WsListener = Type.Object(
  { ...bind(8080), path: wsPath },
  { additionalProperties: false, description: 'MQTT over plain WebSocket (behind a TLS-terminating proxy)' },
);
const WssListener = Type.Object(
  { ...bind(8081), path: wsPath, ...tlsFiles },
  { additionalProperties: false, description: 'MQTT over WebSocket with TLS, for browsers' },
);

const Auth = Type.Object(
  {
    allow_anonymous: Type.Boolean({
      default: false,
      description: 'accept clients without a username (the demo only); they get the ACL lines before any "user"',
    }),
    password_file: Type.Optional(
      FilePath('Mosquitto password file (mosquitto_passwd or `wattbus-broker passwd`); reloaded on SIGHUP'),
    ),
    acl_file: Type.Optional(
      FilePath('Mosquitto ACL file (user / topic / pattern lines); without one every client may read and write all'),
    ),
    reserved_client_ids: Type.Array(Type.String({ pattern: '^[^%*]*%u[^%*]*\\*?$' }), {
      default: ['%u', '%u-*', 'wattbus-agent-%u'],
      description:
        'client ids that belong to one user even while no session holds them: %u stands for a user of the ' +
        'password file or the ACL, a * at the end for anything; every other user is refused such an id',
    }),
  },
  { additionalProperties: false, default: {} },
);

const Persistence = Type.Object(
  {
    path: FilePath('LevelDB directory for sessions, queued QoS1/2 messages, retained messages and Wills'),
  },
  { additionalProperties: false, description: 'omit to keep everything in memory (lost on restart)' },
);

const Cluster = Type.Object(
  {
    redis_url: Type.String({
      pattern: '^rediss?://',
      description:
        'Redis that the nodes share (redis:// or rediss://, with user:password@ if it asks for them): sessions, ' +
        'queued and retained messages, Wills, shared-subscription members, and the messages between nodes',
    }),
    node_id: Type.String({
      pattern: '^[A-Za-z0-9_-]{1,64}$',
      description: "this node's name in the cluster, unique among the nodes (letters, digits, _ and -)",
    }),
    heartbeat_ms: Type.Integer({
      minimum: 100,
      default: 1000,
      description:
        'how often a node tells the others it is alive; a node silent for 3 heartbeats is dead: its ' +
        "shared-subscription members are disconnected and its clients' Wills published",
    }),
  },
  {
    additionalProperties: false,
    description: 'run as one node of a cluster sharing everything through Redis; replaces persistence',
  },
);

const Limits = Type.Object(
  {
    max_packet_bytes: Type.Integer({
      minimum: 64,
      maximum: 268_435_460,
      default: 16 * 1024 * 1024,
      description:
        'largest MQTT packet (headers, topic and payload) a client may send; a larger one disconnects the client ' +
        'as soon as its header arrives (mosquitto: max_packet_size)',
    }),
    max_queued_messages: Type.Integer({
      minimum: 1,
      default: 1_000_000,
      description:
        'QoS1/2 messages kept per persistent-session client (waiting while it is offline, or sent and not yet ' +
        'acknowledged); newer ones are dropped past it (mosquitto: max_queued_messages)',
    }),
    max_inflight_qos2: Type.Integer({
      minimum: 0,
      default: 1000,
      description:
        'incoming QoS2 messages a client may leave waiting for PUBREL before it is disconnected; 0 = no limit',
    }),
    max_connections: Type.Integer({
      minimum: 0,
      default: 0,
      description: 'open connections over all listeners; 0 = no limit (mosquitto: max_connections)',
    }),
    connection_rate: Type.Object(
      {
        per_second: Type.Number({ minimum: 0, default: 20, description: 'new connections per second; 0 = no limit' }),
        burst: Type.Integer({ minimum: 1, default: 200, description: 'connections allowed at once' }),
      },
      { additionalProperties: false, default: {}, description: 'per remote address; refused connections are closed' },
    ),
    publish_rate: Type.Object(
      {
        per_second: Type.Number({
          minimum: 0,
          default: 0,
          description: 'PUBLISH/SUBSCRIBE/UNSUBSCRIBE per second per connection; 0 = no limit',
        }),
        burst: Type.Integer({ minimum: 1, default: 1000, description: 'packets allowed at once' }),
        on_exceed: Type.Union([Type.Literal('throttle'), Type.Literal('disconnect')], {
          default: 'throttle',
          description:
            'throttle: stop reading from the client until it is back under the rate (an agent replaying its ' +
            'backlog is slowed, not cut off); disconnect: drop the connection',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    slow_reader: Type.Object(
      {
        max_buffered_bytes: Type.Integer({
          minimum: 65_536,
          default: 4 * 1024 * 1024,
          description:
            'bytes written to one client that its socket has not taken yet (beyond what the kernel buffers); ' +
            'one more disconnects the client at once',
        }),
        timeout_ms: Type.Integer({
          minimum: 100,
          default: 10_000,
          description: 'a client whose socket stays full this long is disconnected',
        }),
      },
      {
        additionalProperties: false,
        default: {},
        description:
          'a subscriber that does not read what it is sent; other clients are served meanwhile, and a dropped ' +
          "persistent session's QoS1 messages stay queued for its next connection",
      },
    ),
    connect_timeout_ms: Type.Integer({
      minimum: 100,
      default: 10_000,
      description: 'time a new connection has to finish its TLS handshake, and then to send CONNECT',
    }),
  },
  { additionalProperties: false, default: {} },
);

const Metrics = Type.Object(
  {
    ...bind(9234),
    path: Type.String({ default: '/metrics', pattern: '^/', description: 'HTTP path of the Prometheus endpoint' }),
  },
  { additionalProperties: false, description: 'Prometheus metrics (and /healthz) over HTTP; omit to serve none' },
);

export const BrokerConfigSchema = Type.Object(
  {
    listeners: Type.Object(
      {
        tcp: Type.Optional(TcpListener),
        tls: Type.Optional(TlsListener),
        ws: Type.Optional(WsListener),
        wss: Type.Optional(WssListener),
      },
      {
        additionalProperties: false,
        minProperties: 1,
        default: { tcp: {} },
        description: 'the listeners to open; one that is not listed is not opened',
      },
    ),
    auth: Auth,
    persistence: Type.Optional(Persistence),
    cluster: Type.Optional(Cluster),
    limits: Limits,
    metrics: Type.Optional(Metrics),
  },
  { additionalProperties: false },
);
export type BrokerConfig = Static<typeof BrokerConfigSchema>;
export type TlsFiles = Pick<Static<typeof TlsListener>, keyof typeof tlsFiles>;
export type LimitsConfig = Static<typeof Limits>;
export type ClusterConfig = Static<typeof Cluster>;
