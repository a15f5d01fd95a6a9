import type { Rollup, RollupInterval } from '@wattbus/contract';
import { types } from 'cassandra-driver';
import { nothingError } from '../errors.js';
import { rollupBatch } from '../rollup-rows.js';
import type { Selection } from '../selection.js';
import type { Batches } from '../table.js';

/** One page of a paged query (the reader's `execute`). */
export type Execute = (
  cql: string,
  params: unknown[],
  pageState: string | undefined,
) => Promise<{ rows: types.Row[]; pageState?: string | null }>;

interface RollupPartition {
  site: string;
  /** Start of the UTC day of the rollups' start (the sink's partition bucket). */
  day: number;
}

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * The Cassandra sink's `site_rollups` table, keyed ((site, interval, day), start, meter, channel): the partitions
 * of the interval and range, found from their keys (SELECT DISTINCT, paged), each read in start order a page at a
 * time. A row holds the newest revision (written with the revision as its timestamp), its `rollup` column the
 * whole record. Order: UTC day, then site, then start, meter, channel.
 */
export async function rollupPartitions(
  execute: Execute,
  keyspace: string,
  selection: Selection,
  interval: RollupInterval,
): Promise<RollupPartition[]> {
  const firstDay = Date.parse(isoDay(selection.from));
  const lastDay = Date.parse(isoDay(selection.to - 1));
  const sites = new Set<string>();
  const partitions: RollupPartition[] = [];
  let pageState: string | undefined;
  do {
    const page = await execute(`SELECT DISTINCT site, interval, day FROM ${keyspace}.site_rollups`, [], pageState);
    for (const row of page.rows) {
      const site = row.site as string;
      sites.add(site);
      const day = Date.parse(String(row.day));
      const wanted = selection.sites.length === 0 || selection.sites.includes(site);
      if (row.interval === interval && day >= firstDay && day <= lastDay && wanted) partitions.push({ site, day });
    }
    pageState = page.pageState ?? undefined;
  } while (pageState !== undefined);
  const unknown = selection.sites.filter((s) => !sites.has(s));
  if (unknown.length > 0) {
    throw nothingError(
      `unknown site${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}: the store has no rollups of ${unknown.length > 1 ? 'them' : 'it'}`,
    );
  }
  return partitions.sort((a, b) => a.day - b.day || (a.site < b.site ? -1 : a.site > b.site ? 1 : 0));
}

export async function* readRollups(
  execute: Execute,
  keyspace: string,
  partitions: readonly RollupPartition[],
  selection: Selection,
  interval: RollupInterval,
  progress: (doneUntil: number) => void,
  signal: AbortSignal,
): Batches {
  const cql =
    `SELECT meter, channel, rollup FROM ${keyspace}.site_rollups ` +
    'WHERE site = ? AND interval = ? AND day = ? AND start >= ? AND start < ?';
  const wanted = (list: readonly string[], id: string) => list.length === 0 || list.includes(id);
  for (let i = 0; i < partitions.length && !signal.aborted; i++) {
    const p = partitions[i] as RollupPartition;
    const params = [
      p.site,
      interval,
      types.LocalDate.fromString(isoDay(p.day)),
      new Date(Math.max(selection.from, p.day)),
      new Date(Math.min(selection.to, p.day + 86_400_000)),
    ];
    let pageState: string | undefined;
    do {
      const page = await execute(cql, params, pageState);
      const rollups = page.rows
        .filter((row) => wanted(selection.meters, row.meter) && wanted(selection.channels, row.channel))
        .map((row) => JSON.parse(row.rollup as string) as Rollup);
      if (rollups.length > 0) yield rollupBatch(rollups);
      pageState = page.pageState ?? undefined;
    } while (pageState !== undefined && !signal.aborted);
    const next = partitions[i + 1];
    if (next === undefined || next.day !== p.day) progress(Math.min(selection.to, p.day + 86_400_000));
  }
}
