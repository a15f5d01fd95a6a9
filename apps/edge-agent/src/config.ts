import { type Static, Type } from '@sinclair/typebox';
import {
  ChannelPhase,
  ID_PATTERN,
  INFO_MAX_CHANNELS,
  INFO_MAX_METERS,
  Location,
  Role,
  SiteTags,
} from '@wattbus/contract';
import { MqttConnectionSchema } from '@wattbus/mqtt';

const Id = (description: string) => Type.String({ pattern: ID_PATTERN, description });

const ChannelSchema = Type.Object(
  {
    id: Id('a channel the driver reports, e.g. grid, consumption, production'),
    role: Role,
    phase: Type.Optional(ChannelPhase),
    sign: Type.Number({
      default: 1,
      description: "factor mapping the meter's sign convention onto the contract's (consumption +, production −)",
    }),
  },
  { additionalProperties: false },
);

const MeterSchema = Type.Object(
  {
    id: Id('meter id, unique within the site'),
    driver: Type.String({ description: 'driver name, e.g. simulated' }),
    interval_ms: Type.Integer({
      minimum: 100,
      default: 10_000,
      description: 'poll interval (1000 = every second)',
    }),
    config: Type.Record(Type.String(), Type.Unknown(), {
      default: {},
      description: "the driver's own settings, validated against its schema",
    }),
    channels: Type.Optional(
      Type.Array(ChannelSchema, {
        minItems: 1,
        maxItems: INFO_MAX_CHANNELS,
        description: 'channels to publish; default: every channel of the driver, role from the channel id',
      }),
    ),
  },
  { additionalProperties: false },
);

export const AgentConfigSchema = Type.Object(
  {
    site: Type.Object(
      {
        id: Id('site id: one household'),
        name: Type.Optional(Type.String({ maxLength: 128 })),
        location: Type.Optional(Location),
        timezone: Type.Optional(Type.String({ description: 'IANA time zone, e.g. Europe/Brussels' })),
        tags: Type.Optional(SiteTags),
      },
      { additionalProperties: false },
    ),
    mqtt: MqttConnectionSchema,
    state_dir: Type.String({
      default: '/var/lib/wattbus-agent',
      description: 'where the disk queue and the seq counters live (keep it on persistent storage)',
    }),
    queue: Type.Object(
      {
        max_readings: Type.Integer({
          minimum: 100,
          default: 1_000_000,
          description:
            'readings kept while the broker is unreachable; past it the oldest are dropped (counted in health)',
        }),
        max_age_h: Type.Number({ exclusiveMinimum: 0, default: 720, description: 'older queued readings are dropped' }),
        publish_window: Type.Integer({
          minimum: 1,
          maximum: 65_535,
          default: 500,
          description: 'QoS1 publishes awaiting PUBACK at once (drain speed after an outage)',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    delivery: Type.Object(
      {
        receipts_from: Type.Array(Id('consumer id of a sink worker (its consumer.id)'), {
          maxItems: 16,
          uniqueItems: true,
          default: [],
          description:
            'keep each reading queued until receipts from every one of these consumers cover it; empty: until the PUBACK',
        }),
        receipt_timeout_ms: Type.Integer({
          minimum: 100,
          default: 60_000,
          description: 'a reading not covered by every receipt this long after its PUBACK is published again',
        }),
        max_backoff_ms: Type.Integer({
          minimum: 100,
          default: 900_000,
          description: 'each further re-send waits twice as long, up to this',
        }),
        max_unreceipted: Type.Integer({
          minimum: 100,
          default: 50_000,
          description:
            'published readings awaiting receipts at most (kept in memory); past it nothing new is sent until receipts come',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    health_interval_s: Type.Integer({ minimum: 1, default: 60 }),
    home_assistant: Type.Object(
      {
        enabled: Type.Boolean({ default: false, description: 'publish Home Assistant MQTT discovery configs' }),
        prefix: Type.String({ default: 'homeassistant', description: "Home Assistant's discovery prefix" }),
      },
      { additionalProperties: false, default: {} },
    ),
    meters: Type.Array(MeterSchema, { minItems: 1, maxItems: INFO_MAX_METERS }),
  },
  { additionalProperties: false },
);
export type AgentConfig = Static<typeof AgentConfigSchema>;
export type MeterConfig = AgentConfig['meters'][number];
export type ChannelConfig = Static<typeof ChannelSchema>;
