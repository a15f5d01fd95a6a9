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
        max_failures: Type.Integer({ minimum: 1, default: 5, description: 'per username and per address' }),
        window_s: Type.Integer({ minimum: 1, default: 900, description: 'failures are counted over this window' }),
        failure_delay_ms: Type.Integer({ minimum: 0, maximum: 10_000, default: 1000 }),
        trust_proxy: Type.Boolean({
          default: false,
          description: 'take the client address from X-Forwarded-For (last entry): only behind your own reverse proxy',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false },
);
export type PortalConfig = Static<typeof PortalConfigSchema>;
export type GroupConfig = Static<typeof Group>;
export type InfluxConfig = Static<typeof Influx>;
