/**
 * Exponential backoff with full jitter (AWS style): the n-th delay is uniform in [min, min(max, min·2^n)],
 * so thousands of agents reconnecting after a broker restart do not arrive in lockstep.
 */
export function backoffDelay(attempt: number, minMs: number, maxMs: number, random = Math.random): number {
  const ceiling = Math.min(maxMs, minMs * 2 ** Math.min(attempt, 30));
  return Math.round(minMs + random() * (ceiling - minMs));
}

/**
 * The delay before the next attempt after `failures` attempts in a row failed, over a list of `brokers` URLs tried in
 * turn: the backoff grows once per full turn through the list (with one URL, per attempt).
 */
export function reconnectDelay(failures: number, brokers: number, minMs: number, maxMs: number, random = Math.random) {
  return backoffDelay(Math.floor(failures / brokers), minMs, maxMs, random);
}
