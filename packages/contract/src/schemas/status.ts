import { type Static, Type } from '@sinclair/typebox';
import { Timestamp, Version } from './common.js';

/**
 * Storage receipts, for an agent that waits for them (`delivery.receipts_from`): how much of its data is not yet
 * stored, so the alerter can tell a delivery lag from its retained status alone.
 */
const Delivery = Type.Object(
  {
    unreceipted: Type.Integer({ minimum: 0, description: 'readings in the queue not yet covered by every receipt' }),
    /** When the oldest of them was queued. */
    oldest_unreceipted_ts: Type.Optional(Timestamp),
  },
  { additionalProperties: false },
);

export const StatusSchema = Type.Object(
  {
    v: Version,
    state: Type.Union([Type.Literal('online'), Type.Literal('offline')]),
    ts: Timestamp,
    agent: Type.String({ maxLength: 64, description: 'agent version' }),
    delivery: Type.Optional(Delivery),
  },
  { $id: 'wattbus/v1/status', title: 'Status', additionalProperties: false },
);
export type Status = Static<typeof StatusSchema>;
