import { type Static, Type } from '@sinclair/typebox';
import { ID_PATTERN, Id, Timestamp, Version } from './common.js';
import { INFO_MAX_CHANNELS, INFO_MAX_METERS } from './info.js';
import { ROLLUP_INTERVALS } from './rollup.js';

/**
 * Ranges one receipt may list, over all its channels. A worker splits a larger set into several receipts, so a
 * receipt stays a few kB (well under every broker's packet limit) however gappy the seqs it stored.
 */
export const RECEIPT_MAX_RANGES = 256;

const Seq = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });

/** `[from, to]`, both included, from ≤ to: the seqs of one channel a consumer has stored. */
const SeqRange = Type.Tuple([Seq, Seq]);

const ChannelRanges = Type.Array(SeqRange, {
  minItems: 1,
  maxItems: RECEIPT_MAX_RANGES,
  description: 'ascending, disjoint, non-adjacent [from, to] seq ranges (both included)',
});

export const ReceiptSchema = Type.Object(
  {
    v: Version,
    site: Id('site id'),
    consumer: Id('consumer id: who stored the readings'),
    ts: Timestamp,
    ranges: Type.Record(
      Type.String({ pattern: ID_PATTERN }),
      Type.Record(Type.String({ pattern: ID_PATTERN }), ChannelRanges, {
        minProperties: 1,
        maxProperties: INFO_MAX_CHANNELS,
        additionalProperties: false,
        description: 'channel id → seq ranges',
      }),
      {
        minProperties: 1,
        maxProperties: INFO_MAX_METERS,
        additionalProperties: false,
        description: 'meter id → channel id → the seq ranges this consumer has durably stored',
      },
    ),
  },
  { $id: 'wattbus/v1/receipt', title: 'Receipt', additionalProperties: false },
);
export type Receipt = Static<typeof ReceiptSchema>;
export type SeqRange = [number, number];

const RollupRevision = Type.Tuple([Timestamp, Type.Integer({ minimum: 0 })]);

const IntervalRevisions = Type.Array(RollupRevision, {
  minItems: 1,
  maxItems: RECEIPT_MAX_RANGES,
  description: '[start, revision] pairs, ascending by start: that revision (or a newer one) of each rollup is stored',
});

/**
 * What a consumer has stored of a site's rollups (docs/receipts.md): per meter, channel and interval, the start and
 * revision of each rollup. The same header and bound as a reading receipt; `RECEIPT_MAX_RANGES` pairs in all.
 */
export const RollupReceiptSchema = Type.Object(
  {
    v: Version,
    site: Id('site id'),
    consumer: Id('consumer id: who stored the rollups'),
    ts: Timestamp,
    rollups: Type.Record(
      Type.String({ pattern: ID_PATTERN }),
      Type.Record(
        Type.String({ pattern: ID_PATTERN }),
        Type.Object(Object.fromEntries(ROLLUP_INTERVALS.map((i) => [i, Type.Optional(IntervalRevisions)])), {
          minProperties: 1,
          additionalProperties: false,
          description: 'interval → [start, revision] pairs',
        }),
        { minProperties: 1, maxProperties: INFO_MAX_CHANNELS, additionalProperties: false },
      ),
      {
        minProperties: 1,
        maxProperties: INFO_MAX_METERS,
        additionalProperties: false,
        description: 'meter id → channel id → interval → the rollups this consumer has durably stored',
      },
    ),
  },
  { $id: 'wattbus/v1/rollupReceipt', title: 'RollupReceipt', additionalProperties: false },
);
export type RollupReceipt = Static<typeof RollupReceiptSchema>;
