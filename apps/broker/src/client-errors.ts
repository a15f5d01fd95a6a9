import { ConnectRefusedError, LimitExceededError, PublishDeniedError, SlowReaderError } from './errors.js';

/** Why the broker dropped a client, for logs and metrics; undefined for ordinary network errors. */
export type DropReason =
  | LimitExceededError['limit']
  | 'publish_denied'
  | 'protocol_error'
  | 'keepalive_timeout'
  | 'connect_timeout'
  | 'slow_reader'
  | 'inflight_qos2';

const NETWORK = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ERR_STREAM_PREMATURE_CLOSE', 'ERR_STREAM_DESTROYED']);

export function dropReason(err: Error): DropReason | undefined {
  if (err instanceof ConnectRefusedError) return undefined; // counted and logged as an auth failure
  if (err instanceof LimitExceededError) return err.limit;
  if (err instanceof PublishDeniedError) return 'publish_denied';
  if (err instanceof SlowReaderError) return 'slow_reader';
  if (NETWORK.has((err as NodeJS.ErrnoException).code ?? '')) return undefined;
  const message = err.message;
  if (message === 'keep alive timeout') return 'keepalive_timeout';
  if (message === 'connect did not arrive in time') return 'connect_timeout';
  if (message === 'drain timeout') return 'slow_reader'; // Aedes: limits.slow_reader.timeout_ms
  if (message.startsWith('maxInflightInbound exceeded')) return 'inflight_qos2';
  if (message === 'connection closed') return undefined;
  return 'protocol_error';
}
