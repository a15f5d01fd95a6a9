import type { Reading } from '@wattbus/contract';

/**
 * Missing readings as runs per channel, with when they were made (seconds since `t0`): `c1 seq 151-162
 * (+61.3s..+63.5s)`, so a loss can be laid beside the attack that caused it.
 */
export function lostRuns(missing: readonly Reading[], t0: number): string[] {
  const byChannel = new Map<string, Reading[]>();
  for (const r of missing) byChannel.set(r.channel, [...(byChannel.get(r.channel) ?? []), r]);
  const at = (ts: number) => `+${((ts - t0) / 1000).toFixed(1)}s`;
  const out: string[] = [];
  for (const [channel, readings] of [...byChannel].sort(([a], [b]) => a.localeCompare(b))) {
    const sorted = [...readings].sort((a, b) => a.seq - b.seq);
    let start = sorted[0] as Reading;
    let end = start;
    for (const r of [...sorted.slice(1), undefined]) {
      if (r !== undefined && r.seq === end.seq + 1) {
        end = r;
        continue;
      }
      out.push(`${channel} seq ${start.seq}-${end.seq} (${at(start.ts)}..${at(end.ts)})`);
      if (r !== undefined) start = end = r;
    }
  }
  return out;
}
