import { type Static, Type } from '@sinclair/typebox';
import { ChannelPhase, Id, Role, Timestamp, Version } from './common.js';

const InfoChannel = Type.Object(
  { id: Id('channel id'), role: Role, phase: Type.Optional(ChannelPhase) },
  { additionalProperties: false },
);

const InfoMeter = Type.Object(
  {
    id: Id('meter id'),
    driver: Type.String({ maxLength: 64 }),
    interval_ms: Type.Integer({
      minimum: 100,
      description: 'poll interval; the alerter derives "missing" from it',
    }),
    channels: Type.Array(InfoChannel, { minItems: 1 }),
  },
  { additionalProperties: false },
);

export const InfoSchema = Type.Object(
  {
    v: Version,
    site: Id('site id'),
    ts: Timestamp,
    name: Type.Optional(Type.String({ maxLength: 128 })),
    location: Type.Optional(
      Type.Object(
        {
          lat: Type.Number({ minimum: -90, maximum: 90 }),
          lon: Type.Number({ minimum: -180, maximum: 180 }),
        },
        { additionalProperties: false },
      ),
    ),
    timezone: Type.Optional(Type.String({ maxLength: 64, description: 'IANA time zone, e.g. Europe/Brussels' })),
    tags: Type.Optional(
      Type.Record(Type.String({ pattern: '^[a-z][a-z0-9_]{0,31}$' }), Type.String({ maxLength: 128 }), {
        maxProperties: 32,
        additionalProperties: false,
        description: 'site metadata such as city, postcode, street',
      }),
    ),
    meters: Type.Array(InfoMeter),
  },
  { $id: 'wattbus/v1/info', title: 'Info', additionalProperties: false },
);
export type Info = Static<typeof InfoSchema>;
