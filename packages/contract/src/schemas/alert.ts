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

/** An alert lists this many open subjects at most, so its message stays small whatever a site declares. */
export const ALERT_MAX_OPEN_SUBJECTS = 100;

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
    open: Type.Array(AlertSubject, { maxItems: ALERT_MAX_OPEN_SUBJECTS }),
    open_total: Type.Optional(
      Type.Integer({
        minimum: ALERT_MAX_OPEN_SUBJECTS + 1,
        description: 'how many subjects are open, when there are more than `open` lists',
      }),
    ),
  },
  { $id: 'wattbus/v1/alert', title: 'Alert', additionalProperties: false },
);
export type Alert = Static<typeof AlertSchema>;
export type AlertSubject = Static<typeof AlertSubject>;
