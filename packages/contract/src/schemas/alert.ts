import { type Static, Type } from '@sinclair/typebox';
import { Id, Timestamp, Version } from './common.js';

/** One open problem of a rule at a site, e.g. one silent channel. */
const AlertSubject = Type.Object(
  {
    subject: Type.String({ maxLength: 200, description: '"<meter>/<channel>", "<meter>" or "site"' }),
    since: Timestamp,
    message: Type.String({ maxLength: 512 }),
    value: Type.Optional(Type.Number()),
  },
  { additionalProperties: false },
);

/**
 * The retained state of one rule at one site. A topic holds one retained message, so the payload
 * carries every open subject: `state` is `raised` while `open` is non-empty.
 */
export const AlertSchema = Type.Object(
  {
    v: Version,
    site: Id('site id'),
    rule: Id('rule id'),
    ts: Timestamp,
    state: Type.Union([Type.Literal('raised'), Type.Literal('resolved')]),
    severity: Type.Union([Type.Literal('info'), Type.Literal('warning'), Type.Literal('critical')]),
    message: Type.String({ maxLength: 1024 }),
    open: Type.Array(AlertSubject),
  },
  { $id: 'wattbus/v1/alert', title: 'Alert', additionalProperties: false },
);
export type Alert = Static<typeof AlertSchema>;
export type AlertSubject = Static<typeof AlertSubject>;
