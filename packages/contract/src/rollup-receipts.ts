import { DEFAULT_MAX_PAYLOAD_BYTES, type Decoded } from './decode.js';
import { RECEIPT_MAX_RANGES, type RollupReceipt } from './schemas/receipt.js';
import type { RollupInterval } from './schemas/rollup.js';
import { isSiteId, TOPIC_ROOT, TopicError, topics } from './topics.js';
import { validateRollupReceipt } from './validate.js';

/**
 * `wattbus/v1/{site}/rollup/receipt/{consumer}` (QoS1, not retained): what `consumer` has stored of the site's
 * rollups. Under the rollup subtree, one level deeper than a rollup (`…/rollup/+` never matches it), and not under
 * `{site}/receipt/+`, so an agent never gets rollup receipts and a rollup app gets nothing but them.
 */
export function rollupReceiptTopic(site: string, consumer: string): string {
  topics.receipt(site, consumer); // the same checks on site and consumer as a reading receipt's
  return `${TOPIC_ROOT}/${site}/rollup/receipt/${consumer}`;
}

/** Rollup receipts of every site (or one), from every consumer (or one). */
export const rollupReceiptFilter = (site = '+', consumer = '+'): string =>
  `${TOPIC_ROOT}/${site}/rollup/receipt/${consumer}`;

/** The site and consumer of a rollup receipt topic, or undefined if it is not one. */
export function parseRollupReceiptTopic(topic: string): { site: string; consumer: string } | undefined {
  const levels = topic.split('/');
  if (levels.length !== 6 || `${levels[0]}/${levels[1]}` !== TOPIC_ROOT) return undefined;
  if (levels[3] !== 'rollup' || levels[4] !== 'receipt') return undefined;
  const [site, consumer] = [levels[2] as string, levels[5] as string];
  try {
    rollupReceiptTopic(site, consumer);
  } catch (err) {
    if (err instanceof TopicError) return undefined;
    throw err;
  }
  return isSiteId(site) ? { site, consumer } : undefined;
}

/** One stored rollup, as a receipt names it (its site is the receipt's). */
export interface StoredRollup {
  meter: string;
  channel: string;
  interval: RollupInterval;
  start: number;
  revision: number;
}

/**
 * The rollup receipts of one site for what `consumer` has stored: the highest revision per rollup, grouped by
 * meter, channel and interval, ascending by start, split so that no receipt lists more than RECEIPT_MAX_RANGES.
 */
export function buildRollupReceipts(
  site: string,
  consumer: string,
  stored: readonly StoredRollup[],
  now = Date.now(),
): RollupReceipt[] {
  const newest = new Map<string, StoredRollup>();
  for (const r of stored) {
    const id = `${r.meter}/${r.channel}/${r.interval}/${r.start}`;
    const held = newest.get(id);
    if (held === undefined || held.revision < r.revision) newest.set(id, r);
  }
  const sorted = [...newest.values()].sort(
    (a, b) =>
      a.meter.localeCompare(b.meter) ||
      a.channel.localeCompare(b.channel) ||
      a.interval.localeCompare(b.interval) ||
      a.start - b.start,
  );
  const receipts: RollupReceipt[] = [];
  for (let i = 0; i < sorted.length; i += RECEIPT_MAX_RANGES) {
    const rollups: RollupReceipt['rollups'] = {};
    for (const { meter, channel, interval, start, revision } of sorted.slice(i, i + RECEIPT_MAX_RANGES)) {
      rollups[meter] ??= {};
      rollups[meter][channel] ??= {};
      const intervals = rollups[meter][channel];
      intervals[interval] ??= [];
      intervals[interval].push([start, revision]);
    }
    receipts.push({ v: 1, site, consumer, ts: now, rollups });
  }
  return receipts;
}

/** What the schema cannot say: starts ascend without repeat in each interval, and the bound over all of them. */
export function rollupReceiptProblem(receipt: RollupReceipt): string | undefined {
  let count = 0;
  for (const [meter, channels] of Object.entries(receipt.rollups)) {
    for (const [channel, intervals] of Object.entries(channels)) {
      for (const [interval, pairs] of Object.entries(intervals)) {
        count += pairs?.length ?? 0;
        let previous = -1;
        for (const [start] of pairs ?? []) {
          if (start <= previous) {
            return `rollups.${meter}.${channel}.${interval}: starts must ascend without repeat (${start} ≤ ${previous})`;
          }
          previous = start;
        }
      }
    }
  }
  return count > RECEIPT_MAX_RANGES ? `rollups: ${count} rollups (limit ${RECEIPT_MAX_RANGES} per receipt)` : undefined;
}

/** A rollup receipt checked like a reading receipt: topic, size, JSON, version, schema, site and consumer, order, bound. */
export function decodeRollupReceipt(
  topic: string,
  payload: Uint8Array,
  maxBytes = DEFAULT_MAX_PAYLOAD_BYTES,
): Decoded<RollupReceipt> {
  const where = parseRollupReceiptTopic(topic);
  if (where === undefined) return { ok: false, reason: `not a rollup receipt topic: ${topic}` };
  if (payload.byteLength > maxBytes) {
    return { ok: false, reason: `payload too large: ${payload.byteLength} bytes (limit ${maxBytes})` };
  }
  let data: unknown;
  try {
    data = JSON.parse(Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('utf8'));
  } catch (err) {
    return { ok: false, reason: `not JSON: ${(err as Error).message}` };
  }
  if ((data as { v?: unknown } | null)?.v !== 1)
    return { ok: false, reason: 'unsupported contract version (expected 1)' };
  const checked = validateRollupReceipt(data);
  if (!checked.ok) return { ok: false, reason: `schema: ${checked.errors.join('; ')}` };
  const receipt = checked.value;
  if (receipt.site !== where.site) {
    return { ok: false, reason: `topic/payload mismatch: topic says site ${where.site}, payload says ${receipt.site}` };
  }
  if (receipt.consumer !== where.consumer) {
    return {
      ok: false,
      reason: `topic/payload mismatch: topic says consumer ${where.consumer}, payload says ${receipt.consumer}`,
    };
  }
  const problem = rollupReceiptProblem(receipt);
  return problem === undefined ? { ok: true, value: receipt } : { ok: false, reason: problem };
}
