import { type Static, Type } from '@sinclair/typebox';
import { Id, Role, Timestamp, Version } from './common.js';

export const ROLLUP_INTERVALS = ['1m', '15m', '1h', '1d'] as const;
export type RollupInterval = (typeof ROLLUP_INTERVALS)[number];

const Wh = Type.Number({ description: 'Wh' });
const NullableWh = Type.Union([Wh, Type.Null()]);
const Money = Type.Union([Type.Number(), Type.Null()]);
const Source = Type.Union([Type.Literal('index'), Type.Literal('power'), Type.Literal('mixed'), Type.Null()]);
const PeriodName = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$' });

/**
 * One channel's rollup over one interval (docs/energy.md). `key` is the same for every revision; a consumer keeps
 * the highest `revision`.
 */
export const RollupSchema = Type.Object(
  {
    v: Version,
    key: Type.String({ maxLength: 256, description: 'site/meter/channel/interval/start' }),
    site: Id('site id'),
    meter: Id('meter id'),
    channel: Id('channel id'),
    role: Role,
    interval: Type.Union(
      ROLLUP_INTERVALS.map((i) => Type.Literal(i)),
      { description: '1m | 15m | 1h | 1d (the local day)' },
    ),
    start: Timestamp,
    end: Timestamp,
    revision: Type.Integer({ minimum: 0, description: '0 when first emitted, +1 per correction' }),
    readings: Type.Integer({ minimum: 0 }),
    coverage: Type.Number({ minimum: 0, maximum: 1 }),
    estimated_ms: Type.Integer({ minimum: 0 }),
    resets: Type.Integer({ minimum: 0 }),
    energy_import_wh: NullableWh,
    energy_export_wh: NullableWh,
    energy_source: Type.Object({ import: Source, export: Source }, { additionalProperties: false }),
    periods: Type.Record(PeriodName, Type.Object({ import_wh: Wh, export_wh: Wh }, { additionalProperties: false }), {
      maxProperties: 32,
      additionalProperties: false,
    }),
    tariff: Type.Union([Type.String({ maxLength: 64 }), Type.Null()]),
    power_w: Type.Union([
      Type.Object({ mean: Type.Number(), min: Type.Number(), max: Type.Number() }, { additionalProperties: false }),
      Type.Null(),
    ]),
    voltage_v: Type.Union([
      Type.Object({ min: Type.Number(), max: Type.Number() }, { additionalProperties: false }),
      Type.Null(),
    ]),
    cost: Type.Object(
      {
        currency: Type.Union([Type.String({ pattern: '^[A-Z]{3}$' }), Type.Null()]),
        import: Money,
        export: Money,
        standing: Money,
        unknown: Type.Union([Type.String({ maxLength: 1024 }), Type.Null()]),
      },
      { additionalProperties: false },
    ),
  },
  { $id: 'wattbus/v1/rollup', title: 'Rollup', additionalProperties: false },
);
export type Rollup = Static<typeof RollupSchema>;
