import type { DeadLetter } from './schemas/index.js';

/** Dead letters carry at most this much of the original payload; `payload_bytes` keeps the real size. */
export const DEAD_LETTER_MAX_PAYLOAD = 64 * 1024;

const utf8 = new TextDecoder('utf-8', { fatal: true });

function asText(bytes: Uint8Array): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
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
  const kept = truncated ? payload.subarray(0, DEAD_LETTER_MAX_PAYLOAD) : payload;
  // A cut can split a multi-byte character, so a truncated payload is always base64.
  const text = truncated ? undefined : asText(kept);
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
