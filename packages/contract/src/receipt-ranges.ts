import { RECEIPT_MAX_RANGES, type Receipt, type SeqRange } from './schemas/receipt.js';

/** One stored reading, as a receipt names it. */
export interface StoredSeq {
  meter: string;
  channel: string;
  seq: number;
}

/** Merges seqs (any order, repeats allowed) into ascending, disjoint, non-adjacent ranges. */
export function toRanges(seqs: readonly number[]): SeqRange[] {
  const sorted = [...seqs].sort((a, b) => a - b);
  const ranges: SeqRange[] = [];
  for (const seq of sorted) {
    const last = ranges[ranges.length - 1];
    if (last && seq <= last[1] + 1) last[1] = Math.max(last[1], seq);
    else ranges.push([seq, seq]);
  }
  return ranges;
}

/**
 * The receipts of one site for what `consumer` has stored: seqs merged into ranges per meter and channel, split so
 * that no receipt lists more than RECEIPT_MAX_RANGES ranges.
 */
export function buildReceipts(
  site: string,
  consumer: string,
  stored: readonly StoredSeq[],
  now = Date.now(),
): Receipt[] {
  const byChannel = new Map<string, Map<string, number[]>>();
  for (const { meter, channel, seq } of stored) {
    const channels = byChannel.get(meter) ?? new Map<string, number[]>();
    byChannel.set(meter, channels);
    const seqs = channels.get(channel);
    if (seqs) seqs.push(seq);
    else channels.set(channel, [seq]);
  }
  const receipts: Receipt[] = [];
  let current: Receipt['ranges'] = {};
  let count = 0;
  const flush = () => {
    if (count === 0) return;
    receipts.push({ v: 1, site, consumer, ts: now, ranges: current });
    current = {};
    count = 0;
  };
  for (const [meter, channels] of byChannel) {
    for (const [channel, seqs] of channels) {
      let ranges = toRanges(seqs);
      while (ranges.length > 0) {
        if (count === RECEIPT_MAX_RANGES) flush();
        const take = ranges.slice(0, RECEIPT_MAX_RANGES - count);
        ranges = ranges.slice(take.length);
        current[meter] = { ...current[meter], [channel]: take };
        count += take.length;
      }
    }
  }
  flush();
  return receipts;
}

/** What the schema cannot say: each range is `from ≤ to`, a channel's ranges ascend without overlap, and the bound. */
export function receiptRangesProblem(receipt: Receipt): string | undefined {
  let count = 0;
  for (const [meter, channels] of Object.entries(receipt.ranges)) {
    for (const [channel, ranges] of Object.entries(channels)) {
      count += ranges.length;
      let previous = -1;
      for (const [from, to] of ranges) {
        if (from > to) return `ranges.${meter}.${channel}: [${from}, ${to}] ends before it starts`;
        if (from <= previous)
          return `ranges.${meter}.${channel}: ranges must ascend without overlap (${from} ≤ ${previous})`;
        previous = to;
      }
    }
  }
  return count > RECEIPT_MAX_RANGES ? `ranges: ${count} ranges (limit ${RECEIPT_MAX_RANGES} per receipt)` : undefined;
}
