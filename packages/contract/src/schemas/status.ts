import { type Static, Type } from '@sinclair/typebox';
import { Timestamp, Version } from './common.js';

export const StatusSchema = Type.Object(
  {
    v: Version,
    state: Type.Union([Type.Literal('online'), Type.Literal('offline')]),
    ts: Timestamp,
    agent: Type.String({ maxLength: 64, description: 'agent version' }),
  },
  { $id: 'wattbus/v1/status', title: 'Status', additionalProperties: false },
);
export type Status = Static<typeof StatusSchema>;
