import { type Static, Type } from '@sinclair/typebox';
import { Timestamp } from './common.js';

export const DeadLetterSchema = Type.Object(
  {
    reason: Type.String({ maxLength: 2048 }),
    topic: Type.String(),
    payload: Type.String({
      description: 'the payload as received (UTF-8 text, or base64 when not valid UTF-8), cut to 64 KiB',
    }),
    payload_encoding: Type.Union([Type.Literal('utf8'), Type.Literal('base64')]),
    payload_bytes: Type.Integer({ minimum: 0, description: 'size of the original payload' }),
    payload_truncated: Type.Boolean(),
    consumer: Type.String({ maxLength: 64, description: 'who dead-lettered it' }),
    ts: Timestamp,
  },
  { $id: 'wattbus/v1/dead-letter', title: 'DeadLetter', additionalProperties: false },
);
export type DeadLetter = Static<typeof DeadLetterSchema>;
