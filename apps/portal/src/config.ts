import { type Static, Type } from '@sinclair/typebox';
import { Id } from '@wattbus/contract';

const Group = Type.Object(
  {
    id: Id('group id (used in the page, not shown)'),
    caption: Type.String({
      minLength: 1,
      maxLength: 200,
      description: 'shown to the household, e.g. "Rue des Tilleuls 12"',
    }),
    sites: Type.Array(Id('site id, as in the topics'), { minItems: 1, uniqueItems: true }),
  },
  { additionalProperties: false },
);

const Influx = Type.Object(
  {
    url: Type.String({ pattern: '^https?://', description: 'InfluxDB 1.x HTTP API (or 2.x/3.x v1-compatible /query)' }),
    database: Type.String({ minLength: 1, default: 'wattbus', description: 'the database the influx sink writes' }),
    username: Type.Optional(Type.String({ minLength: 1, description: 'a read-only user' })),
    password: Type.Optional(Type.String({ description: 'use ${ENV_VAR}' })),
    token: Type.Optional(
      Type.String({ minLength: 1, description: 'InfluxDB 2.x/3.x token (instead of username/password)' }),
    ),
    timeout_ms: Type.Integer({ minimum: 100, default: 10_000 }),
  },
  { additionalProperties: false },
);

export const PortalConfigSchema = Type.Object(
  {
    listen: Type.Object(
      {
        host: Type.String({ default: '127.0.0.1', description: 'put a TLS-terminating reverse proxy in front' }),
        port: Type.Integer({ minimum: 0, maximum: 65_535, default: 8090 }),
      },
      { additionalProperties: false, default: {} },
    ),
    broker: Type.Object(
      {
        url: Type.String({
          pattern: '^(mqtts?|tcp|ssl)://',
          description: 'where logins are checked by an MQTT CONNECT with the household credentials',
        }),
        ca: Type.Optional(Type.String({ description: 'PEM file of the CA that signed the broker certificate' })),
        ws_url: Type.String({
          pattern: '^wss?://',
          description: "the browsers' MQTT-over-WebSocket URL, e.g. wss://mqtt.example.org:8081/mqtt",
        }),
        connect_timeout_ms: Type.Integer({ minimum: 100, default: 5000 }),
      },
      { additionalProperties: false },
    ),
    acl_file: Type.String({
      minLength: 1,
      description: "the broker's Mosquitto-format ACL file; re-read when it changes",
    }),
    influx: Influx,
    data_dir: Type.String({
      minLength: 1,
      default: '/var/lib/wattbus-portal',
      description: 'where the names households give their appliances are kept (persistent storage)',
    }),
    timezone: Type.String({
      default: 'UTC',
      description: 'IANA time zone of the households, e.g. Europe/Brussels: energy per day follows its midnights',
    }),
    groups: Type.Array(Group, { minItems: 1, description: 'groups of sites with their captions' }),
    session: Type.Object(
      {
        ttl_s: Type.Integer({ minimum: 60, maximum: 30 * 86_400, default: 12 * 3600, description: 'session lifetime' }),
        secure_cookie: Type.Boolean({
          default: true,
          description: 'mark the cookie Secure (HTTPS only); false only for plain-HTTP tests on localhost',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    login: Type.Object(
      {
        max_failures: Type.Integer({
          minimum: 1,
          default: 5,
          description:
            'failed logins of one username from one address (attempts in progress count too) before that pair waits',
        }),
        lockout_s: Type.Integer({
          minimum: 1,
          default: 60,
          description: 'the first wait; it doubles with every further failure of the pair, up to window_s',
        }),
        window_s: Type.Integer({
          minimum: 1,
          default: 900,
          description: 'failures are forgotten this long after the last one (and no wait is longer)',
        }),
        max_address_failures: Type.Integer({
          minimum: 1,
          default: 20,
          description: 'failed logins from one address, any usernames, before the address waits likewise',
        }),
        failure_delay_ms: Type.Integer({ minimum: 0, maximum: 10_000, default: 1000 }),
        trusted_proxies: Type.Array(Type.String({ minLength: 1, description: 'an address or CIDR, e.g. 10.0.0.0/8' }), {
          default: [],
          description:
            'reverse proxies whose X-Forwarded-For is believed: the client is the last address not among them; ' +
            'from any other peer the header is ignored',
        }),
        broker_checks: Type.Object(
          {
            concurrency: Type.Integer({ minimum: 1, default: 4, description: 'login checks at the broker at once' }),
            per_second: Type.Number({
              exclusiveMinimum: 0,
              default: 5,
              description: "checks started per second: keep it under the broker's connection_rate for this address",
            }),
            burst: Type.Integer({ minimum: 1, default: 20, description: 'checks that may start at once' }),
            queue: Type.Integer({
              minimum: 0,
              default: 50,
              description: 'logins waiting for a check; past that, 503 without asking the broker',
            }),
          },
          { additionalProperties: false, default: {} },
        ),
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false },
);
export type PortalConfig = Static<typeof PortalConfigSchema>;
export type GroupConfig = Static<typeof Group>;
export type InfluxConfig = Static<typeof Influx>;
