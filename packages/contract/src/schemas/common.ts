import { Type } from '@sinclair/typebox';

/** Site, meter, channel and rule ids: one MQTT topic level each, safe in file names and Influx tags. */
export const ID_PATTERN = '^[a-z0-9][a-z0-9_-]{0,63}$';

export const Id = (description: string) =>
  Type.String({
    pattern: ID_PATTERN,
    description: `${description} (lowercase a-z, 0-9, _ and -, 1-64 chars)`,
  });

/** Milliseconds since the epoch (UTC). Bounded to 2000..2100 so seconds-vs-milliseconds mistakes are caught. */
export const Timestamp = Type.Integer({
  minimum: 946_684_800_000,
  maximum: 4_102_444_800_000,
  description: 'milliseconds since the epoch, UTC',
});

export const Version = Type.Literal(1, { description: 'contract version' });

export const ROLES = ['grid', 'consumption', 'production', 'other'] as const;
export const Role = Type.Union(
  ROLES.map((r) => Type.Literal(r)),
  { description: 'grid | consumption | production | other' },
);

export const ChannelPhase = Type.Union([Type.Literal('l1'), Type.Literal('l2'), Type.Literal('l3')]);

export const Labels = Type.Record(Type.String({ pattern: '^[a-z][a-z0-9_]{0,31}$' }), Type.String({ maxLength: 64 }), {
  maxProperties: 16,
  additionalProperties: false,
  description: 'short string labels such as a tariff period or meter serial',
});

/** WGS84 position of a site, in degrees. */
export const Location = Type.Object(
  { lat: Type.Number({ minimum: -90, maximum: 90 }), lon: Type.Number({ minimum: -180, maximum: 180 }) },
  { additionalProperties: false },
);

/** Site metadata such as city, postcode, street (InfluxDB tags, dashboard filters). */
export const SiteTags = Type.Record(
  Type.String({ pattern: '^[a-z][a-z0-9_]{0,31}$' }),
  Type.String({ maxLength: 128 }),
  {
    maxProperties: 32,
    additionalProperties: false,
    description: 'site metadata such as city, postcode, street',
  },
);
