import { errors, types } from 'cassandra-driver';
import { SinkError } from '../sink.js';

const NAME = 'cassandra';

// Server error codes that say the statement itself is wrong: retrying the same write cannot help.
const REFUSED = new Set([types.responseErrorCodes.invalid, types.responseErrorCodes.syntaxError]);

/**
 * A driver error as a SinkError. Only a statement the cluster refuses (invalid, syntax) is permanent;
 * unavailable replicas, timeouts, overload, no reachable host and auth problems are retried with the acks
 * held, since the data is fine and an operator or the cluster will fix the rest.
 */
export function toSinkError(err: unknown, what: string): SinkError {
  const message = err instanceof Error ? err.message : String(err);
  const permanent = err instanceof errors.ResponseError && REFUSED.has(err.code);
  return new SinkError(NAME, `${what}: ${message}`, permanent, { cause: err });
}
