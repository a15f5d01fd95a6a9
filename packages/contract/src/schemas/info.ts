import { type Static, Type } from '@sinclair/typebox';
import { ChannelPhase, Id, Location, Role, SiteTags, Timestamp, Version } from './common.js';

/**
 * Bounds on what one site may declare: every consumer keeps per-channel state for it, and the alerter lists its
 * channels in alerts, so an unbounded info would let one household exhaust a shared service.
 */
export const INFO_MAX_METERS = 32;
export const INFO_MAX_CHANNELS = 32;

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
    channels: Type.Array(InfoChannel, { minItems: 1, maxItems: INFO_MAX_CHANNELS }),
  },
  { additionalProperties: false },
);

export const InfoSchema = Type.Object(
  {
    v: Version,
    site: Id('site id'),
    ts: Timestamp,
    name: Type.Optional(Type.String({ maxLength: 128 })),
    location: Type.Optional(Location),
    timezone: Type.Optional(Type.String({ maxLength: 64, description: 'IANA time zone, e.g. Europe/Brussels' })),
    tags: Type.Optional(SiteTags),
    meters: Type.Array(InfoMeter, { maxItems: INFO_MAX_METERS }),
  },
  { $id: 'wattbus/v1/info', title: 'Info', additionalProperties: false },
);
export type Info = Static<typeof InfoSchema>;
