import { type Static, Type } from '@sinclair/typebox';
import { VALUE_NAME_PATTERN } from '../quantities.js';
import { Id, Labels, Role, Timestamp, Version } from './common.js';

export const ReadingSchema = Type.Object(
  {
    v: Version,
    site: Id('site id'),
    meter: Id('meter id'),
    channel: Id('channel id'),
    role: Role,
    seq: Type.Integer({
      minimum: 0,
      maximum: Number.MAX_SAFE_INTEGER,
      description: 'per (site, meter, channel), strictly increasing, persisted by the agent',
    }),
    ts: Timestamp,
    values: Type.Record(Type.String({ pattern: VALUE_NAME_PATTERN }), Type.Number(), {
      minProperties: 1,
      maxProperties: 64,
      additionalProperties: false,
      description: 'finite numbers keyed <quantity>_<unit>[_<phase>] from the quantity registry',
    }),
    labels: Type.Optional(Labels),
  },
  { $id: 'wattbus/v1/reading', title: 'Reading', additionalProperties: false },
);
export type Reading = Static<typeof ReadingSchema>;
