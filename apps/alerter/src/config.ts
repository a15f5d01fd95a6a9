import { type Static, Type } from '@sinclair/typebox';
import { configSchemas } from '@wattbus/config/plugin';
import { MqttConnectionSchema } from '@wattbus/mqtt';
import { notifiers } from './notify/registry.js';
import { overrideSchemas } from './rules/overrides.js';
import { rules } from './rules/registry.js';

const RulesSchema = Type.Object(configSchemas(rules), { additionalProperties: false, default: {} });

/** Per site/meter/channel settings of any rule, each key without defaults: absent, the value of `rules:` holds. */
const OverrideSchema = Type.Object(
  {
    site: Type.Optional(Type.String({ description: 'site id; absent: every site' })),
    meter: Type.Optional(Type.String({ description: 'meter id; absent: every meter' })),
    channel: Type.Optional(Type.String({ description: 'channel id; absent: every channel' })),
    ...Type.Partial(Type.Object(overrideSchemas(rules))).properties,
  },
  { additionalProperties: false },
);

const NotifySchema = Type.Partial(Type.Object(configSchemas(notifiers)), {
  additionalProperties: false,
  default: {},
});

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
    rules: RulesSchema,
    overrides: Type.Array(OverrideSchema, {
      default: [],
      description: 'per site/meter/channel rule settings; later entries win',
    }),
    notify: NotifySchema,
  },
  { additionalProperties: false },
);
export type AlerterConfig = Static<typeof AlerterConfigSchema>;
