import { type Static, type TOptional, type TPartial, type TProperties, Type } from '@sinclair/typebox';
import { MqttConnectionSchema } from '@wattbus/mqtt';

const ROLES = ['grid', 'consumption', 'production', 'other'] as const;
const Roles = (def: ReadonlyArray<(typeof ROLES)[number]>) =>
  Type.Array(Type.Union(ROLES.map((r) => Type.Literal(r))), {
    uniqueItems: true,
    default: [...def],
    description: 'channel roles the rule applies to',
  });

const num = (def: number, description: string, extra: object = {}) =>
  Type.Number({ description, ...extra, default: def });
const section = <P extends TProperties>(raise: number, clear: number, props: P) =>
  Type.Object(
    {
      enabled: Type.Boolean({ default: true }),
      raise_after_s: num(raise, 'the condition must hold this long (measurement time) before it is raised', {
        minimum: 0,
      }),
      clear_after_s: num(clear, 'and must be cleared this long before it is resolved (no flapping)', {
        minimum: 0,
      }),
      ...props,
    },
    { additionalProperties: false, default: {} },
  );

/** The settings of every per-channel rule, with their defaults. */
const RuleSettings = {
  sign: section(300, 300, {
    tolerance_w: num(50, 'consumption below −tolerance or production above +tolerance is wrong', { minimum: 0 }),
  }),
  pv_night: section(900, 900, {
    sun_below_deg: num(-6, 'night is when the sun is below this elevation (−6°: civil twilight)', {
      minimum: -18,
      maximum: 0,
    }),
    tolerance_w: num(20, 'production within ±tolerance at night is fine (inverter standby)', { minimum: 0 }),
  }),
  overload: section(60, 300, {
    limit_w: Type.Optional(
      Type.Number({ exclusiveMinimum: 0, description: 'e.g. the subscribed power; no limit, no overload rule' }),
    ),
    clear_below_ratio: num(0.95, 'resolved only below limit × ratio (hysteresis)', { exclusiveMinimum: 0, maximum: 1 }),
    roles: Roles(['grid', 'consumption']),
  }),
  extreme: section(0, 300, {
    max_w: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'absolute threshold on |power_w|' })),
    window: num(720, 'readings of the channel kept for its recent distribution', { minimum: 10, maximum: 100_000 }),
    min_samples: num(100, 'no statistical verdict before this many readings', { minimum: 2 }),
    sigma: num(6, 'extreme when |power − mean| > sigma × stddev', { exclusiveMinimum: 0 }),
    min_stddev_w: num(100, 'floor of the stddev, so a flat channel is not extreme at its first step', { minimum: 0 }),
    roles: Roles(['grid', 'consumption']),
  }),
  energy_index: section(0, 3600, {
    tolerance_wh: num(0, 'an energy index may go back by this much (rounding) without an alert', { minimum: 0 }),
  }),
  voltage: section(60, 300, {
    min_v: num(207, 'EN 50160: 230 V − 10 %', { minimum: 0 }),
    max_v: num(253, 'EN 50160: 230 V + 10 %', { minimum: 0 }),
    hysteresis_v: num(2, 'resolved only within [min + h, max − h]', { minimum: 0 }),
  }),
};
type RuleSettingsSchemas = typeof RuleSettings;

/** A copy of a schema without any `default`: in an override an absent key means "as in rules". */
function withoutDefaults<T>(schema: T): T {
  if (Array.isArray(schema)) return schema.map(withoutDefaults) as T;
  if (schema === null || typeof schema !== 'object') return schema;
  const copy: Record<PropertyKey, unknown> = {};
  for (const k of Reflect.ownKeys(schema)) {
    if (k !== 'default') copy[k] = withoutDefaults((schema as Record<PropertyKey, unknown>)[k]);
  }
  return copy as T;
}

const RulePartials = Object.fromEntries(
  Object.entries(RuleSettings).map(([k, v]) => [k, Type.Optional(withoutDefaults(Type.Partial(v)))]),
) as { [K in keyof RuleSettingsSchemas]: TOptional<TPartial<RuleSettingsSchemas[K]>> };

const Override = Type.Object(
  {
    site: Type.Optional(Type.String({ description: 'site id; absent: every site' })),
    meter: Type.Optional(Type.String({ description: 'meter id; absent: every meter' })),
    channel: Type.Optional(Type.String({ description: 'channel id; absent: every channel' })),
    missing_data: Type.Optional(
      Type.Object(
        { after_intervals: Type.Number({ minimum: 1, description: 'missing after N × the interval, here' }) },
        { additionalProperties: false },
      ),
    ),
    ...RulePartials,
  },
  { additionalProperties: false },
);

const SmtpSchema = Type.Object(
  {
    host: Type.String({ minLength: 1 }),
    port: Type.Integer({ minimum: 1, maximum: 65_535, default: 587 }),
    secure: Type.Boolean({ default: false, description: 'TLS from the start (port 465); else STARTTLS if offered' }),
    require_tls: Type.Boolean({ default: false, description: 'refuse to send without STARTTLS' }),
    reject_unauthorized: Type.Boolean({ default: true }),
    ca: Type.Optional(Type.String({ description: "PEM file of the CA that signed the SMTP server's certificate" })),
    username: Type.Optional(Type.String()),
    password: Type.Optional(Type.String({ description: 'use ${ENV}' })),
  },
  { additionalProperties: false },
);

export const RetrySchema = Type.Object(
  {
    attempts: Type.Integer({ minimum: 1, default: 5 }),
    backoff_ms: Type.Integer({ minimum: 1, default: 1000, description: 'first retry delay, doubled each time' }),
    max_backoff_ms: Type.Integer({ minimum: 1, default: 60_000 }),
  },
  { additionalProperties: false, default: {} },
);

const NotifySchema = Type.Object(
  {
    webhook: Type.Optional(
      Type.Object(
        {
          url: Type.String({ pattern: '^https?://', description: 'each alert change is POSTed here as JSON' }),
          headers: Type.Record(Type.String(), Type.String(), { default: {}, description: 'e.g. Authorization' }),
          timeout_ms: Type.Integer({ minimum: 1, default: 10_000 }),
          retry: RetrySchema,
        },
        { additionalProperties: false },
      ),
    ),
    email: Type.Optional(
      Type.Object(
        {
          smtp: SmtpSchema,
          from: Type.String({ minLength: 3 }),
          recipients: Type.Object(
            {
              default: Type.Array(Type.String(), { default: [], description: 'for sites not listed in sites' }),
              sites: Type.Record(Type.String(), Type.Array(Type.String()), { default: {} }),
            },
            { additionalProperties: false, default: {} },
          ),
          digest_s: Type.Number({
            minimum: 0,
            default: 300,
            description: 'changes are collected this long per recipient and sent as one mail',
          }),
          retry: RetrySchema,
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false, default: {} },
);

export const AlerterConfigSchema = Type.Object(
  {
    mqtt: MqttConnectionSchema,
    consumer: Type.Object(
      {
        id: Type.String({
          pattern: '^[a-z0-9][a-z0-9_-]{0,63}$',
          default: 'alerter',
          description: 'MQTT client id of the persistent session (readings), and the DLQ topic name',
        }),
        max_in_flight: Type.Integer({
          minimum: 1,
          default: 1000,
          description: 'readings held unacked at most (while their dead letters go out); past it reading pauses',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    max_future_ms: Type.Integer({
      minimum: 0,
      default: 300_000,
      description: "readings stamped further ahead of the alerter's clock are dead-lettered",
    }),
    evaluate_every_ms: Type.Integer({ minimum: 100, default: 1000 }),
    rules: Type.Object(
      {
        missing_data: Type.Object(
          {
            after_intervals: Type.Number({
              minimum: 1,
              default: 3,
              description: 'missing after N × the interval',
            }),
            default_interval_ms: Type.Integer({ minimum: 100, default: 60_000 }),
            offline_grace_ms: Type.Integer({
              minimum: 0,
              default: 60_000,
              description: 'an offline agent is raised only if still offline after this (a flapping agent is not)',
            }),
          },
          { additionalProperties: false, default: {} },
        ),
        ...RuleSettings,
      },
      { additionalProperties: false, default: {} },
    ),
    overrides: Type.Array(Override, {
      default: [],
      description: 'per site/meter/channel rule settings; later entries win',
    }),
    notify: NotifySchema,
  },
  { additionalProperties: false },
);
export type AlerterConfig = Static<typeof AlerterConfigSchema>;
export type RulesConfig = AlerterConfig['rules'];
export type RuleOverride = Static<typeof Override>;
export type RetryConfig = Static<typeof RetrySchema>;
export type WebhookConfig = NonNullable<AlerterConfig['notify']['webhook']>;
export type EmailConfig = NonNullable<AlerterConfig['notify']['email']>;
/** The per-channel settings of the stream rules (everything in `rules` but missing_data). */
export type ChannelSettings = Omit<RulesConfig, 'missing_data'>;
export type ChannelSettingsKey = keyof ChannelSettings;
