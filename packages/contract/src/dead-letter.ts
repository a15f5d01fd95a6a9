import type { DeadLetter } from './schemas/index.js';

/** Dead letters carry at most this much of the original payload; `payload_bytes` keeps the real size. */
export const DEAD_LETTER_MAX_PAYLOAD = 64 * 1024;

// ignoreBOM keeps a leading byte order mark: the dead letter carries the payload as received
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function asText(bytes: Uint8Array): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * Where to cut `bytes` at or below `limit` without splitting a UTF-8 character: back over continuation bytes
 * (10xxxxxx), at most three, to the start of the character that would be split.
 */
function utf8Boundary(bytes: Uint8Array, limit: number): number {
  let cut = limit;
  while (cut > limit - 4 && cut > 0 && ((bytes[cut] as number) & 0xc0) === 0x80) cut--;
  return cut;
}

/** Builds the DLQ message for a payload a consumer could not use, keeping the bytes as received. */
export function makeDeadLetter(args: {
  consumer: string;
  topic: string;
  payload: Uint8Array;
  reason: string;
  now?: number;
}): DeadLetter {
  const { payload } = args;
  const truncated = payload.byteLength > DEAD_LETTER_MAX_PAYLOAD;
  const kept = truncated ? payload.subarray(0, utf8Boundary(payload, DEAD_LETTER_MAX_PAYLOAD)) : payload;
  const text = asText(kept);
  return {
    reason: args.reason.slice(0, 2048),
    topic: args.topic,
    payload: text ?? Buffer.from(kept).toString('base64'),
    payload_encoding: text === undefined ? 'base64' : 'utf8',
    payload_bytes: payload.byteLength,
    payload_truncated: truncated,
    consumer: args.consumer,
    ts: args.now ?? Date.now(),
  };
}
