import { type Static, Type } from '@sinclair/typebox';
import { MqttConnectionSchema } from '@wattbus/mqtt';

const SiteSchema = Type.Object(
  {
    has_pv: Type.Boolean({ description: 'the site has PV: without a production channel the forecast says so' }),
    timezone: Type.String({ minLength: 1, description: 'IANA zone of the site, for hour of day and weekday' }),
  },
  { additionalProperties: false },
);

export const InsightsConfigSchema = Type.Object(
  {
    mqtt: MqttConnectionSchema,
    consumer: Type.Object(
      {
        id: Type.String({
          pattern: '^[a-z0-9][a-z0-9_-]{0,63}$',
          default: 'insights',
          description: 'MQTT client id of the persistent session, and the name in the DLQ topic',
        }),
        max_in_flight: Type.Integer({ minimum: 1, default: 1000, description: 'rollups held unacked at most' }),
      },
      { additionalProperties: false, default: {} },
    ),
    state: Type.Object(
      {
        dir: Type.String({ minLength: 1, description: "folder of each site's hours and model (one JSON file a site)" }),
      },
      { additionalProperties: false },
    ),
    voltage: Type.Object(
      {
        low_v: Type.Number({ default: 207, description: 'lower edge of the band (EN 50160: 207 V)' }),
        high_v: Type.Number({ default: 253, description: 'upper edge of the band (EN 50160: 253 V)' }),
        horizon_h: Type.Integer({ minimum: 1, maximum: 48, default: 6, description: 'hours forecast ahead' }),
        min_history_h: Type.Integer({ minimum: 24, default: 336, description: 'hours with voltage before training' }),
        retrain_every_h: Type.Integer({ minimum: 1, default: 24, description: 'new hours between two trainings' }),
        keep_days: Type.Integer({ minimum: 2, default: 60, description: 'days of hourly rollups kept per site' }),
        timezone: Type.String({ minLength: 1, default: 'UTC', description: "sites' IANA zone unless a site says" }),
        sites: Type.Record(Type.String(), Type.Partial(SiteSchema), {
          default: {},
          description: 'per-site settings by site id',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    appliances: Type.Object(
      {
        enabled: Type.Boolean({ default: true, description: 'recognise appliances in the 1-second power readings' }),
        role: Type.Union([Type.Literal('consumption'), Type.Literal('grid')], {
          default: 'consumption',
          description: "the channel role whose power_w is the household's consumption",
        }),
        block_s: Type.Integer({
          minimum: 60,
          maximum: 86_400,
          default: 900,
          description: 'seconds of power recognised at once; estimates are published after each block',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    max_future_ms: Type.Integer({
      minimum: 0,
      default: 300_000,
      description: "readings stamped further ahead of this consumer's clock are dead-lettered",
    }),
    batch: Type.Object(
      {
        max_delay_ms: Type.Integer({
          minimum: 1,
          default: 500,
          description: 'wait for more rollups before forecasting',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    max_payload_bytes: Type.Integer({
      minimum: 256,
      default: 65_536,
      description: 'larger messages are dead-lettered',
    }),
  },
  { additionalProperties: false },
);
export type InsightsConfig = Static<typeof InsightsConfigSchema>;
