import { type Static, Type } from '@sinclair/typebox';
import { MqttConnectionSchema } from '@wattbus/mqtt';
import { MetricsConfigSchema } from '@wattbus/observability';
import { sinks } from '@wattbus/sinks';

const SinksSchema = Type.Object(
  Object.fromEntries(Object.values(sinks).map((d) => [d.name, Type.Optional(d.configSchema)])),
  {
    additionalProperties: false,
    minProperties: 1,
    description: `one or more of: ${Object.keys(sinks).join(', ')}`,
  },
);

export const SinkWorkerConfigSchema = Type.Object(
  {
    mqtt: MqttConnectionSchema,
    consumer: Type.Object(
      {
        id: Type.String({
          pattern: '^[a-z0-9][a-z0-9_-]{0,63}$',
          default: 'sink-worker',
          description: 'MQTT client id of the persistent session, and the name in the DLQ and receipt topics',
        }),
        share_group: Type.Optional(
          Type.String({
            pattern: '^[a-z0-9][a-z0-9_-]{0,63}$',
            description:
              'subscribe through $share/<group>/ so N workers split the stream (mosquitto, EMQX, the embedded broker)',
          }),
        ),
        max_silence_ms: Type.Integer({
          minimum: 0,
          default: 300_000,
          description:
            '/healthz fails when no reading came for this long while some agent is online (a lost subscription); 0 = off',
        }),
        max_in_flight: Type.Integer({
          minimum: 1,
          default: 20_000,
          description: 'readings held unacked at most; past it the worker stops reading (bounds memory)',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    receipts: Type.Object(
      {
        enabled: Type.Boolean({
          default: true,
          description: 'publish wattbus/v1/<site>/receipt/<consumer.id>: the seq ranges every sink has stored',
        }),
        interval_ms: Type.Integer({
          minimum: 10,
          default: 5_000,
          description:
            'stored readings are gathered this long into one receipt per site (at most one per site and interval)',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    batch: Type.Object(
      {
        max_size: Type.Integer({ minimum: 1, default: 5000 }),
        max_delay_ms: Type.Integer({ minimum: 1, default: 250 }),
        idle_ms: Type.Integer({
          minimum: 1,
          default: 10,
          description: "write a partial batch once no message has come for this long (the broker's window is full)",
        }),
        write_when_drained: Type.Boolean({
          default: true,
          description:
            'write a partial batch as soon as every message received so far is batched and no write is in flight (what comes during a write goes when it ends): latency near one write time',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    retry: Type.Object(
      {
        min_ms: Type.Integer({ minimum: 10, default: 500 }),
        max_ms: Type.Integer({
          minimum: 100,
          default: 5_000,
          description: 'longest wait between retries of a failing store: how late writes resume after it is back',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    metrics: Type.Optional(MetricsConfigSchema),
    max_payload_bytes: Type.Integer({
      minimum: 256,
      default: 65_536,
      description: 'larger messages are dead-lettered',
    }),
    rollups: Type.Boolean({
      default: false,
      description:
        'also store the rollups of wattbus-rollup (wattbus/v1/+/rollup/+) in every sink that stores rollups (docs/energy.md)',
    }),
    max_future_ms: Type.Integer({
      minimum: 0,
      default: 300_000,
      description: "readings stamped further ahead of this worker's clock are dead-lettered",
    }),
    sinks: SinksSchema,
  },
  { additionalProperties: false },
);
export type SinkWorkerConfig = Static<typeof SinkWorkerConfigSchema>;
