import { type Static, Type } from '@sinclair/typebox';
import { Id, Timestamp, Version } from './common.js';
import { INFO_MAX_METERS } from './info.js';

const MeterHealth = Type.Object(
  {
    id: Id('meter id'),
    reads_ok: Type.Integer({ minimum: 0 }),
    read_errors: Type.Integer({ minimum: 0 }),
    last_ok_ts: Type.Optional(Timestamp),
    last_error: Type.Optional(Type.String({ maxLength: 512 })),
  },
  { additionalProperties: false },
);

export const HealthSchema = Type.Object(
  {
    v: Version,
    site: Id('site id'),
    ts: Timestamp,
    uptime_s: Type.Number({ minimum: 0 }),
    rss_bytes: Type.Integer({ minimum: 0 }),
    cpu_temp_c: Type.Optional(Type.Number()),
    queue: Type.Object(
      {
        depth: Type.Integer({ minimum: 0 }),
        oldest_age_ms: Type.Optional(Type.Integer({ minimum: 0 })),
        dropped: Type.Integer({ minimum: 0 }),
        /** Why the agent cannot write its queue (e.g. a full disk): new readings are lost until it can. */
        write_error: Type.Optional(Type.String({ maxLength: 512 })),
      },
      { additionalProperties: false },
    ),
    /** Storage receipts, for an agent that waits for them (`delivery.receipts_from`). */
    delivery: Type.Optional(
      Type.Object(
        {
          receipts_from: Type.Array(Id('consumer id'), { maxItems: 16 }),
          unreceipted: Type.Integer({ minimum: 0 }),
          oldest_unreceipted_age_ms: Type.Optional(Type.Integer({ minimum: 0 })),
          /** Readings published again because no receipt covered them in time. */
          resent: Type.Integer({ minimum: 0 }),
        },
        { additionalProperties: false },
      ),
    ),
    meters: Type.Array(MeterHealth, { maxItems: INFO_MAX_METERS }),
  },
  { $id: 'wattbus/v1/health', title: 'Health', additionalProperties: false },
);
export type Health = Static<typeof HealthSchema>;
