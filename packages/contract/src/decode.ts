import { receiptRangesProblem } from './receipt-ranges.js';
import type {
  Alert,
  DeadLetter,
  Health,
  Info,
  Reading,
  Receipt,
  Rollup,
  RollupInterval,
  Status,
} from './schemas/index.js';
import { type ParsedTopic, parseTopic, TopicError } from './topics.js';
import {
  type Validation,
  validateAlert,
  validateDeadLetter,
  validateHealth,
  validateInfo,
  validateReading,
  validateReceipt,
  validateRollup,
  validateStatus,
} from './validate.js';

export type Decoded<T> = { ok: true; value: T } | { ok: false; reason: string };

export interface DecodeOptions {
  /** Larger payloads are refused unread. Default 64 KiB. */
  maxBytes?: number;
  /**
   * A `ts` further ahead of `now` than this is refused. Default 5 minutes: the rules judge by measurement time, so
   * one reading stamped in 2099 would otherwise hold a channel's state in the future.
   */
  maxFutureMs?: number;
  /** The consumer's clock, for `maxFutureMs`. Default `Date.now()`. */
  now?: number;
}

export const DEFAULT_MAX_PAYLOAD_BYTES = 64 * 1024;
export const DEFAULT_MAX_FUTURE_MS = 5 * 60_000;

/** Any wattbus message, checked. `value` is null for an empty payload: a cleared retained message. */
export type WattbusMessage =
  | { kind: 'reading'; site: string; meter: string; value: Reading }
  | { kind: 'info'; site: string; value: Info | null }
  | { kind: 'status'; site: string; value: Status | null }
  | { kind: 'health'; site: string; value: Health | null }
  | { kind: 'receipt'; site: string; consumer: string; value: Receipt }
  | { kind: 'rollup'; site: string; interval: RollupInterval; value: Rollup }
  | { kind: 'alert'; site: string; rule: string; value: Alert | null }
  | { kind: 'dlq'; consumer: string; value: DeadLetter | null };

/**
 * Everything a consumer checks before trusting a reading message: the topic layout and ids, size, JSON syntax,
 * the contract version, the schema, that the payload's site and meter are the topic's, and that it is not from
 * the future.
 */
export function decodeReading(topic: string, payload: Uint8Array, options: DecodeOptions = {}): Decoded<Reading> {
  const where = topicOf(topic);
  if (typeof where === 'string') return { ok: false, reason: where };
  if (where.kind !== 'reading') return { ok: false, reason: `not a reading topic (${where.kind})` };
  const decoded = decodePayload(where, payload, options);
  return decoded.ok ? { ok: true, value: (decoded.value as { value: Reading }).value } : decoded;
}

/**
 * A receipt checked like a reading: topic, size, JSON, version, schema, that its site and consumer are the topic's,
 * and that its ranges ascend without overlap within the bound.
 */
export function decodeReceipt(topic: string, payload: Uint8Array, options: DecodeOptions = {}): Decoded<Receipt> {
  const where = topicOf(topic);
  if (typeof where === 'string') return { ok: false, reason: where };
  if (where.kind !== 'receipt') return { ok: false, reason: `not a receipt topic (${where.kind})` };
  const decoded = decodePayload(where, payload, options);
  return decoded.ok ? { ok: true, value: (decoded.value as { value: Receipt }).value } : decoded;
}

/** A rollup checked like a reading: topic, size, JSON, version, schema, and that its site and interval are the topic's. */
export function decodeRollup(topic: string, payload: Uint8Array, options: DecodeOptions = {}): Decoded<Rollup> {
  const where = topicOf(topic);
  if (typeof where === 'string') return { ok: false, reason: where };
  if (where.kind !== 'rollup') return { ok: false, reason: `not a rollup topic (${where.kind})` };
  const decoded = decodePayload(where, payload, options);
  return decoded.ok ? { ok: true, value: (decoded.value as { value: Rollup }).value } : decoded;
}

/** Checks any wattbus message the way `decodeReading` checks readings: one topic parser and one set of bounds. */
export function decodeMessage(
  topic: string,
  payload: Uint8Array,
  options: DecodeOptions = {},
): Decoded<WattbusMessage> {
  const where = topicOf(topic);
  if (typeof where === 'string') return { ok: false, reason: where };
  return decodePayload(where, payload, options);
}

function decodePayload(where: ParsedTopic, payload: Uint8Array, options: DecodeOptions): Decoded<WattbusMessage> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_PAYLOAD_BYTES;
  if (payload.byteLength > maxBytes) {
    return { ok: false, reason: `payload too large: ${payload.byteLength} bytes (limit ${maxBytes})` };
  }
  if (payload.byteLength === 0) {
    if (where.kind === 'reading' || where.kind === 'receipt' || where.kind === 'rollup') {
      return { ok: false, reason: 'empty payload' };
    }
    return { ok: true, value: { ...where, value: null } };
  }
  let data: unknown;
  try {
    const bytes = Buffer.isBuffer(payload)
      ? payload
      : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
    data = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    return { ok: false, reason: `not JSON: ${(err as Error).message}` };
  }
  if (where.kind !== 'dlq') {
    const v = (data as { v?: unknown } | null)?.v;
    if (v !== 1) return { ok: false, reason: `unsupported contract version ${versionShown(v)} (expected 1)` };
  }
  const checked = VALIDATORS[where.kind](data);
  if (!checked.ok) return { ok: false, reason: `schema: ${checked.errors.join('; ')}` };
  const value = checked.value as { site?: string; meter?: string; rule?: string; ts?: number };
  const mismatch =
    topicMismatch(where, value) ??
    (where.kind === 'receipt' ? receiptProblem(where, value) : undefined) ??
    (where.kind === 'rollup' ? rollupProblem(where, value as Rollup) : undefined);
  if (mismatch) return { ok: false, reason: mismatch };
  // A receipt's ts is only informative: an agent whose clock lags must still take its receipts.
  if (where.kind !== 'alert' && where.kind !== 'dlq' && where.kind !== 'receipt' && value.ts !== undefined) {
    const now = options.now ?? Date.now();
    const limit = options.maxFutureMs ?? DEFAULT_MAX_FUTURE_MS;
    if (value.ts - now > limit) {
      return {
        ok: false,
        reason: `ts ${new Date(value.ts).toISOString()} is ${Math.round((value.ts - now) / 1000)} s ahead of this consumer's clock (limit ${Math.round(limit / 1000)} s)`,
      };
    }
  }
  return { ok: true, value: { ...where, value } as WattbusMessage };
}

const VALIDATORS: Record<ParsedTopic['kind'], (data: unknown) => Validation<unknown>> = {
  reading: validateReading,
  info: validateInfo,
  status: validateStatus,
  health: validateHealth,
  receipt: validateReceipt,
  rollup: validateRollup,
  alert: validateAlert,
  dlq: validateDeadLetter,
};

function receiptProblem(where: { consumer: string }, value: unknown): string | undefined {
  const receipt = value as Receipt;
  if (receipt.consumer !== where.consumer) {
    return `topic/payload mismatch: topic says consumer ${where.consumer}, payload says ${receipt.consumer}`;
  }
  return receiptRangesProblem(receipt);
}

function rollupProblem(where: { interval: RollupInterval }, rollup: Rollup): string | undefined {
  if (rollup.interval !== where.interval) {
    return `topic/payload mismatch: topic says interval ${where.interval}, payload says ${rollup.interval}`;
  }
  return undefined;
}

function versionShown(v: unknown): string {
  if (v === undefined) return 'missing';
  return typeof v === 'object' && v !== null ? typeof v : (JSON.stringify(v) ?? String(v)).slice(0, 40);
}

function topicMismatch(
  where: ParsedTopic,
  payload: { site?: string; meter?: string; rule?: string },
): string | undefined {
  if (where.kind === 'dlq' || where.kind === 'status' || payload.site === undefined) return undefined;
  const topicSays =
    where.kind === 'reading'
      ? `${where.site}/${where.meter}`
      : where.kind === 'alert'
        ? `${where.site}/${where.rule}`
        : where.site;
  const payloadSays =
    where.kind === 'reading'
      ? `${payload.site}/${payload.meter}`
      : where.kind === 'alert'
        ? `${payload.site}/${payload.rule}`
        : payload.site;
  return topicSays === payloadSays
    ? undefined
    : `topic/payload mismatch: topic says ${topicSays}, payload says ${payloadSays}`;
}

/**
 * A topic's parts, or why it is not a wattbus topic. Good topics are remembered (a stream repeats a few, and ids
 * bound their length); bad ones are not, so a hostile sender cannot fill the memory with long topics.
 */
const TOPIC_MEMO_LIMIT = 10_000;
const topicMemo = new Map<string, ParsedTopic>();

function topicOf(topic: string): ParsedTopic | string {
  const known = topicMemo.get(topic);
  if (known !== undefined) return known;
  const parsed = parseOrReason(topic);
  if (typeof parsed === 'string') return parsed;
  if (topicMemo.size >= TOPIC_MEMO_LIMIT) topicMemo.clear();
  topicMemo.set(topic, parsed);
  return parsed;
}

function parseOrReason(topic: string): ParsedTopic | string {
  try {
    return parseTopic(topic);
  } catch (err) {
    if (err instanceof TopicError) return `bad topic: ${err.message.slice(0, 300)}`;
    throw err;
  }
}
