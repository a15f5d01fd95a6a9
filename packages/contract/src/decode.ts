import type { Reading } from './schemas/index.js';
import { parseTopic, TopicError } from './topics.js';
import { validateReading } from './validate.js';

export type Decoded<T> = { ok: true; value: T } | { ok: false; reason: string };

/**
 * Everything a consumer checks before trusting a reading message: the topic layout and ids, JSON syntax,
 * the contract version, the schema, and that the payload's site and meter are the topic's.
 */
export function decodeReading(topic: string, payload: Uint8Array, maxBytes = 64 * 1024): Decoded<Reading> {
  const where = readingTopic(topic);
  if (typeof where === 'string') return { ok: false, reason: where };
  if (payload.byteLength > maxBytes) {
    return { ok: false, reason: `payload too large: ${payload.byteLength} bytes (limit ${maxBytes})` };
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
  const v = (data as { v?: unknown } | null)?.v;
  if (v !== 1)
    return {
      ok: false,
      reason: `unsupported contract version ${JSON.stringify(v) ?? 'missing'} (expected 1)`,
    };
  const result = validateReading(data);
  if (!result.ok) return { ok: false, reason: `schema: ${result.errors.join('; ')}` };
  const r = result.value;
  if (r.site !== where.site || r.meter !== where.meter) {
    return {
      ok: false,
      reason: `topic/payload mismatch: topic says ${where.site}/${where.meter}, payload says ${r.site}/${r.meter}`,
    };
  }
  return { ok: true, value: r };
}

/** Site and meter of a reading topic, or why it is not one. Remembered: a stream repeats a few topics. */
const TOPIC_MEMO_LIMIT = 10_000;
const topicMemo = new Map<string, { site: string; meter: string } | string>();

function readingTopic(topic: string): { site: string; meter: string } | string {
  let known = topicMemo.get(topic);
  if (known === undefined) {
    known = parseReadingTopic(topic);
    if (topicMemo.size >= TOPIC_MEMO_LIMIT) topicMemo.clear();
    topicMemo.set(topic, known);
  }
  return known;
}

function parseReadingTopic(topic: string): { site: string; meter: string } | string {
  try {
    const parsed = parseTopic(topic);
    if (parsed.kind !== 'reading') return `not a reading topic (${parsed.kind})`;
    return { site: parsed.site, meter: parsed.meter };
  } catch (err) {
    if (err instanceof TopicError) return `bad topic: ${err.message}`;
    throw err;
  }
}
