import type { Reading, Rollup } from '@wattbus/contract';
import { dayOfTs } from './cql.js';

const key = (r: Reading) => `${r.site}\u0000${r.meter}\u0000${r.channel}\u0000${r.ts}`;

/**
 * One version per reading key (site, meter, channel, ts): the one with the highest `seq`, and of equal
 * `seq`s the last in the batch. Write timestamps are the `seq`s, so this is the version Cassandra would
 * keep anyway; choosing it here also settles equal `seq`s by message order instead of by cell value.
 */
export function latestPerKey(batch: readonly Reading[]): Reading[] {
  const latest = new Map<string, Reading>();
  for (const r of batch) {
    const k = key(r);
    const seen = latest.get(k);
    if (seen === undefined || r.seq >= seen.seq) latest.set(k, r);
  }
  return latest.size === batch.length ? [...batch] : [...latest.values()];
}

/** The partition key of a reading's row in `readings`, and in `site_power`. */
export const readingsPartition = (r: Reading) => `${r.site}\u0000${r.meter}\u0000${r.channel}\u0000${dayOfTs(r.ts).n}`;
export const sitePowerPartition = (r: Reading) => `${r.site}\u0000${dayOfTs(r.ts).n}`;

/** The partition key of a rollup's row in `site_rollups`, and (with its site's group) in `group_rollups`. */
export const siteRollupPartition = (r: Rollup) => `${r.site}\u0000${r.interval}\u0000${dayOfTs(r.start).n}`;
export const groupRollupPartition = ({ group, rollup }: { group: string; rollup: Rollup }) =>
  `${group}\u0000${rollup.interval}\u0000${dayOfTs(rollup.start).n}`;

/**
 * Rows grouped by partition, each group cut into chunks of at most `maxRows`: every chunk is one request
 * (an unlogged batch when it has several rows), which Cassandra applies as a single mutation on the
 * partition's replicas. Batches that span partitions would make the coordinator fan out, and the server
 * warns about them; single-partition ones have no such cost or size threshold.
 */
export function chunksByPartition<T>(rows: readonly T[], partitionOf: (row: T) => string, maxRows: number): T[][] {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const p = partitionOf(row);
    const group = groups.get(p);
    if (group) group.push(row);
    else groups.set(p, [row]);
  }
  const chunks: T[][] = [];
  for (const group of groups.values()) {
    for (let i = 0; i < group.length; i += maxRows) chunks.push(group.slice(i, i + maxRows));
  }
  return chunks;
}
