/**
 * Exponential backoff with full jitter (AWS style): the n-th delay is uniform in [min, min(max, min·2^n)],
 * so thousands of agents reconnecting after a broker restart do not arrive in lockstep.
 */
export function backoffDelay(attempt: number, minMs: number, maxMs: number, random = Math.random): number {
  const ceiling = Math.min(maxMs, minMs * 2 ** Math.min(attempt, 30));
  return Math.round(minMs + random() * (ceiling - minMs));
}
