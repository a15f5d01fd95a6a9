import { type Static, Type } from '@sinclair/typebox';
import { EnergyConfigSchema } from '@wattbus/energy';
import { MqttConnectionSchema } from '@wattbus/mqtt';

export const RollupConfigSchema = Type.Object(
  {
    mqtt: MqttConnectionSchema,
    consumer: Type.Object(
      {
        id: Type.String({
          pattern: '^[a-z0-9][a-z0-9_-]{0,63}$',
          default: 'rollup',
          description: 'MQTT client id of the persistent session, and the name in the DLQ topic',
        }),
        max_in_flight: Type.Integer({
          minimum: 1,
          default: 5000,
          description: 'readings held unacked at most; past it the consumer stops reading (bounds memory)',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    batch: Type.Object(
      {
        max_size: Type.Integer({ minimum: 1, default: 1000, description: 'readings rolled up before publishing' }),
        max_delay_ms: Type.Integer({ minimum: 1, default: 200, description: 'longest wait before publishing' }),
      },
      { additionalProperties: false, default: {} },
    ),
    receipts: Type.Object(
      {
        enabled: Type.Boolean({
          default: true,
          description:
            'publish wattbus/v1/<site>/receipt/<consumer.id> for the readings the journal has on disk, so agents can wait for this app (docs/receipts.md)',
        }),
        interval_ms: Type.Integer({
          minimum: 10,
          default: 5_000,
          description: 'journaled readings are gathered this long into one receipt per site',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    delivery: Type.Object(
      {
        receipts_from: Type.Array(Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,63}$' }), {
          default: [],
          uniqueItems: true,
          maxItems: 32,
          description:
            "consumer ids (sink workers' consumer.id) whose rollup receipts each rollup waits for in the journal; empty: let go on PUBACK",
        }),
        receipt_timeout_ms: Type.Integer({
          minimum: 100,
          default: 60_000,
          description: 'no receipts this long after a rollup was sent: publish it again',
        }),
        max_backoff_ms: Type.Integer({
          minimum: 100,
          default: 900_000,
          description: 'each further re-send waits twice as long, up to this',
        }),
        max_unreceipted: Type.Integer({
          minimum: 1,
          default: 50_000,
          description:
            'undelivered rollups the journal holds at most (≈ 1 kB each); past it, readings stay unacked until receipts come',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    rollups: Type.Object(
      {
        late_window_ms: Type.Integer({
          minimum: 60_000,
          default: 172_800_000,
          description: 'readings older than a channel newest by more than this are dead-lettered (2 days)',
        }),
        max_sample_gap_ms: Type.Integer({ minimum: 1000, default: 300_000 }),
        max_interpolate_gap_ms: Type.Integer({ minimum: 1000, default: 21_600_000 }),
      },
      { additionalProperties: false, default: {} },
    ),
    journal: Type.Object(
      {
        dir: Type.String({
          minLength: 1,
          description:
            'folder of the journal: the open intervals and revisions, so a restart or crash loses nothing (one consumer per folder)',
        }),
        compact_bytes: Type.Integer({
          minimum: 1024,
          default: 67_108_864,
          description: 'the log is folded into a new state file once it grows past this (64 MiB)',
        }),
      },
      { additionalProperties: false },
    ),
    energy: Type.Object(EnergyConfigSchema.properties, {
      additionalProperties: false,
      default: {},
      description: 'tariffs, prices and which sites use them (docs/energy.md)',
    }),
    max_payload_bytes: Type.Integer({
      minimum: 256,
      default: 65_536,
      description: 'larger messages are dead-lettered',
    }),
    max_future_ms: Type.Integer({
      minimum: 0,
      default: 300_000,
      description: "readings stamped further ahead of this consumer's clock are dead-lettered",
    }),
  },
  { additionalProperties: false },
);
export type RollupConfig = Static<typeof RollupConfigSchema>;
