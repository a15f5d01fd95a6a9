import { errors, types } from 'cassandra-driver';
import { SinkError } from '../sink.js';

const NAME = 'cassandra';

// Server error codes that say the statement itself is wrong: retrying the same write cannot help.
const REFUSED = new Set([types.responseErrorCodes.invalid, types.responseErrorCodes.syntaxError]);

const firstLine = (err: unknown) => (err instanceof Error ? err.message : String(err)).split('\n')[0]?.trim() ?? '';

/**
 * An error's message on one line. The driver's "All host(s) tried" message embeds the first host's error
 * formatted with its stack trace; this names each host with the first line of its error instead.
 */
export function oneLineMessage(err: unknown): string {
  if (err instanceof errors.NoHostAvailableError) {
    const hosts = Object.entries((err.innerErrors ?? {}) as Record<string, unknown>);
    // none tried: the driver holds every node down until one of its reconnection attempts succeeds
    if (hosts.length === 0) return 'All host(s) tried for query failed (no node is up yet)';
    return `All host(s) tried for query failed (${hosts.map(([h, e]) => `${h}: ${firstLine(e)}`).join('; ')})`;
  }
  return firstLine(err);
}

/**
 * A driver error as a SinkError. Only a statement the cluster refuses (invalid, syntax) is permanent;
 * unavailable replicas, timeouts, overload, no reachable host and auth problems are retried with the acks
 * held, since the data is fine and an operator or the cluster will fix the rest.
 */
export function toSinkError(err: unknown, what: string): SinkError {
  const permanent = err instanceof errors.ResponseError && REFUSED.has(err.code);
  return new SinkError(NAME, `${what}: ${oneLineMessage(err)}`, permanent, { cause: err });
}
