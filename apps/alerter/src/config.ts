import { type Static, Type } from '@sinclair/typebox';
import { MqttConnectionSchema } from '@wattbus/mqtt';

export const AlerterConfigSchema = Type.Object(
  {
    mqtt: MqttConnectionSchema,
    consumer: Type.Object(
      {
        id: Type.String({
          pattern: '^[a-z0-9][a-z0-9_-]{0,63}$',
          default: 'alerter',
          description: 'MQTT client id, and the DLQ topic name',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
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
          },
          { additionalProperties: false, default: {} },
        ),
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false },
);
export type AlerterConfig = Static<typeof AlerterConfigSchema>;
