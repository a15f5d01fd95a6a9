import type { CassandraConfig } from '@wattbus/sinks';
import { auth, Client, types } from 'cassandra-driver';
import { nothingError, storeError } from '../errors.js';
import { ReadingRows } from '../rows.js';
import { isRollups, type Selection } from '../selection.js';
import type { Batches } from '../table.js';
import { readRollups, rollupPartitions } from './cassandra-rollups.js';
import type { StoreReader } from './store.js';

/** Rows per page: what this process holds of one partition's answer at a time. */
export const PAGE_ROWS = 5_000;
const DAY_MS = 86_400_000;

interface Partition {
  site: string;
  meter: string;
  channel: string;
  /** Start of the UTC day (the sink's partition bucket). */
  day: number;
}

const consistencyOf = (name: CassandraConfig['consistency']) =>
  types.consistencies[name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()) as keyof typeof types.consistencies];

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * The Cassandra sink's `readings` table, keyed ((site, meter, channel, day), ts). Which partitions exist is
 * learnt from their keys alone (SELECT DISTINCT, paged), then the range is read day by day, each partition of the
 * day in ts order, PAGE_ROWS rows per page: memory holds the partition list of the range and one page.
 * Order: by UTC day, then site, meter, channel, then time.
 */
export class CassandraReader implements StoreReader {
  private readonly client: Client;
  private partitions: Partition[] = [];
  private rollupPartitions: Awaited<ReturnType<typeof rollupPartitions>> = [];
  private readonly options: { prepare: true; fetchSize: number; consistency: number };

  constructor(private readonly config: CassandraConfig) {
    this.client = new Client({
      contactPoints: config.contact_points,
      localDataCenter: config.local_data_center,
      ...(config.username !== undefined && {
        authProvider: new auth.PlainTextAuthProvider(config.username, config.password ?? ''),
      }),
    });
    // what was written at this level is read back at it (local_quorum both ways: the latest write is seen)
    this.options = { prepare: true, fetchSize: PAGE_ROWS, consistency: consistencyOf(config.consistency) };
  }

  private get table(): string {
    return `${this.config.keyspace}.readings`;
  }

  async prepare(selection: Selection): Promise<void> {
    try {
      await this.client.connect();
    } catch (err) {
      throw storeError(
        `cannot reach Cassandra at ${this.config.contact_points.join(', ')}: ${(err as Error).message}`,
        err,
      );
    }
    if (isRollups(selection)) {
      this.rollupPartitions = await rollupPartitions(
        this.execute,
        this.config.keyspace,
        selection,
        selection.resolution,
      );
      return;
    }
    const firstDay = Date.parse(isoDay(selection.from));
    const lastDay = Date.parse(isoDay(selection.to - 1));
    const wanted = (list: readonly string[], id: string) => list.length === 0 || list.includes(id);
    const sites = new Set<string>();
    const partitions: Partition[] = [];
    let pageState: string | undefined;
    do {
      const page = await this.execute(`SELECT DISTINCT site, meter, channel, day FROM ${this.table}`, [], pageState);
      for (const row of page.rows) {
        const site = row.site as string;
        sites.add(site);
        const day = Date.parse(String(row.day));
        if (
          day >= firstDay &&
          day <= lastDay &&
          wanted(selection.sites, site) &&
          wanted(selection.meters, row.meter) &&
          wanted(selection.channels, row.channel)
        ) {
          partitions.push({ site, meter: row.meter, channel: row.channel, day });
        }
      }
      pageState = page.pageState ?? undefined;
    } while (pageState !== undefined);
    const unknown = selection.sites.filter((s) => !sites.has(s));
    if (unknown.length > 0) {
      throw nothingError(
        `unknown site${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}: the store has no readings of ${unknown.length > 1 ? 'them' : 'it'}`,
      );
    }
    const key = (p: Partition) => `${String(p.day).padStart(16, '0')}\u0000${p.site}\u0000${p.meter}\u0000${p.channel}`;
    this.partitions = partitions.sort((a, b) => (key(a) < key(b) ? -1 : 1));
  }

  private readonly execute = async (cql: string, params: unknown[], pageState: string | undefined) => {
    try {
      return await this.client.execute(cql, params, { ...this.options, ...(pageState !== undefined && { pageState }) });
    } catch (err) {
      throw storeError(`Cassandra: ${(err as Error).message}`, err);
    }
  };

  read(selection: Selection, progress: (doneUntil: number) => void, signal: AbortSignal): Batches {
    if (!isRollups(selection)) return this.readReadings(selection, progress, signal);
    const { keyspace } = this.config;
    return readRollups(
      this.execute,
      keyspace,
      this.rollupPartitions,
      selection,
      selection.resolution,
      progress,
      signal,
    );
  }

  private async *readReadings(
    selection: Selection,
    progress: (doneUntil: number) => void,
    signal: AbortSignal,
  ): Batches {
    const cql =
      `SELECT ts, role, seq, values, labels FROM ${this.table} ` +
      'WHERE site = ? AND meter = ? AND channel = ? AND day = ? AND ts >= ? AND ts < ? ORDER BY ts ASC';
    const quantities = selection.quantities.length === 0 ? undefined : new Set(selection.quantities);
    for (let i = 0; i < this.partitions.length && !signal.aborted; i++) {
      const p = this.partitions[i] as Partition;
      const params = [
        p.site,
        p.meter,
        p.channel,
        types.LocalDate.fromString(isoDay(p.day)),
        new Date(Math.max(selection.from, p.day)),
        new Date(Math.min(selection.to, p.day + DAY_MS)),
      ];
      let pageState: string | undefined;
      do {
        const page = await this.execute(cql, params, pageState);
        const rows = new ReadingRows();
        for (const row of page.rows) addRows(p, row, quantities, rows);
        if (rows.length > 0) yield rows.take();
        pageState = page.pageState ?? undefined;
      } while (pageState !== undefined && !signal.aborted);
      const next = this.partitions[i + 1];
      if (next === undefined || next.day !== p.day) progress(Math.min(selection.to, p.day + DAY_MS));
    }
  }

  async close(): Promise<void> {
    await this.client.shutdown();
  }
}

function addRows(p: Partition, row: types.Row, quantities: ReadonlySet<string> | undefined, rows: ReadingRows): void {
  const values = (row.get('values') ?? {}) as Record<string, number>;
  const labelMap = (row.get('labels') ?? {}) as Record<string, string>;
  const labels = Object.keys(labelMap)
    .sort()
    .map((k) => `${k}=${labelMap[k]}`)
    .join(';');
  const seq = row.get('seq') as types.Long | null;
  const ts = (row.get('ts') as Date).getTime();
  const role = row.get('role') as string;
  for (const [quantity, value] of Object.entries(values)) {
    if (quantities !== undefined && !quantities.has(quantity)) continue;
    rows.add(ts, p.site, p.meter, p.channel, role, seq === null ? null : seq.toNumber(), labels, quantity, value);
  }
}
