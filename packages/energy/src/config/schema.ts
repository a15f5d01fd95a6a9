import { type Static, Type } from '@sinclair/typebox';

const ID = '^[a-z0-9][a-z0-9_-]{0,63}$';
/** Tariff period names as meters and bills spell them (HP, HC, T1, peak…). */
const PeriodName = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$', description: 'tariff period name' });
const TimeOfDay = Type.String({ pattern: '^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$', description: 'local time HH:MM' });
const MonthDay = Type.String({ pattern: '^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$', description: 'MM-DD' });
const IsoDate = Type.String({
  pattern: '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$',
  description: 'YYYY-MM-DD',
});

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun', 'holiday'] as const;
const Weekday = Type.Union(
  WEEKDAYS.map((d) => Type.Literal(d)),
  { description: 'mon … sun, or holiday (a date listed in holidays)' },
);

export const SeasonSchema = Type.Object(
  { from: MonthDay, to: MonthDay },
  { additionalProperties: false, description: 'inclusive local dates; from after to wraps over the new year' },
);

export const PeriodRuleSchema = Type.Object(
  {
    period: PeriodName,
    days: Type.Optional(Type.Array(Weekday, { minItems: 1, uniqueItems: true })),
    from: Type.String({ ...TimeOfDay, default: '00:00' }),
    to: Type.String({ ...TimeOfDay, default: '24:00' }),
    seasons: Type.Optional(Type.Array(SeasonSchema, { minItems: 1 })),
  },
  { additionalProperties: false, description: 'the first rule matching a local time gives its period' },
);

export const CalendarSchema = Type.Object(
  {
    timezone: Type.String({ description: 'IANA time zone of the sites, e.g. Europe/Paris' }),
    default_period: Type.String({ ...PeriodName, default: 'base' }),
    holidays: Type.Array(IsoDate, { default: [], description: 'public holidays: these dates count as "holiday"' }),
    rules: Type.Array(PeriodRuleSchema, { default: [] }),
  },
  { additionalProperties: false },
);

const FixedPrices = Type.Object(
  {
    fixed: Type.Record(Type.String(), Type.Number({ minimum: -100, maximum: 100 }), {
      minProperties: 1,
      description: 'price per kWh by tariff period; "*" for every period not listed',
    }),
  },
  { additionalProperties: false },
);
const Resolution = Type.Union([Type.Literal(15), Type.Literal(60)], { default: 60, description: 'minutes' });
const CsvPrices = Type.Object(
  { csv: Type.String({ minLength: 1, description: 'file with a header "start,price"' }), resolution_min: Resolution },
  { additionalProperties: false },
);
const HttpPrices = Type.Object(
  {
    http: Type.String({ pattern: '^https?://', description: 'URL answering {"prices":[{"start","price"}]}' }),
    refresh_s: Type.Integer({ minimum: 1, default: 3600 }),
    timeout_ms: Type.Integer({ minimum: 100, default: 10_000 }),
    resolution_min: Resolution,
  },
  { additionalProperties: false },
);
export const PriceSourceSchema = Type.Union([FixedPrices, CsvPrices, HttpPrices]);

export const TariffSchema = Type.Object(
  {
    ...CalendarSchema.properties,
    currency: Type.String({ pattern: '^[A-Z]{3}$', default: 'EUR' }),
    import: Type.Optional(PriceSourceSchema),
    export: Type.Optional(PriceSourceSchema),
    standing_charge_per_day: Type.Optional(Type.Number({ minimum: 0 })),
  },
  { additionalProperties: false },
);

export const EnergyConfigSchema = Type.Object(
  {
    tariffs: Type.Record(Type.String({ pattern: ID }), TariffSchema, { default: {} }),
    groups: Type.Record(
      Type.String({ pattern: ID }),
      Type.Object(
        { sites: Type.Array(Type.String({ pattern: ID }), { uniqueItems: true }), tariff: Type.String() },
        { additionalProperties: false },
      ),
      { default: {} },
    ),
    sites: Type.Record(
      Type.String({ pattern: ID }),
      Type.Object({ tariff: Type.String() }, { additionalProperties: false }),
      { default: {}, description: 'a site listed here uses this tariff rather than its group' },
    ),
    default_tariff: Type.Optional(Type.String({ description: 'tariff of sites in no group and not listed' })),
  },
  { additionalProperties: false },
);

export type PeriodRuleConfig = Static<typeof PeriodRuleSchema>;
export type CalendarConfig = Static<typeof CalendarSchema>;
export type PriceSourceConfig = Static<typeof PriceSourceSchema>;
export type TariffConfig = Static<typeof TariffSchema>;
export type EnergyConfig = Static<typeof EnergyConfigSchema>;
