import type { Reading, Rollup } from '@wattbus/contract';
import { Client } from 'cassandra-driver';
import { newestRevisions } from '../rollups.js';
import type { Sink, SinkContext } from '../sink.js';
import { clientOptions, WRITE_PROFILE } from './client-options.js';
import type { CassandraConfig } from './config.js';
import { insertReadingCql, insertSitePowerCql, readingRow, schemaStatements, sitePowerRow } from './cql.js';
import { toSinkError } from './errors.js';
import { forEachLimited } from './limited.js';
import {
  chunksByPartition,
  groupRollupPartition,
  latestPerKey,
  readingsPartition,
  sitePowerPartition,
  siteRollupPartition,
} from './plan.js';
import {
  GROUP_TAG,
  groupRollupRow,
  insertGroupRollupCql,
  insertSiteRollupCql,
  rollupSchemaStatements,
  siteRollupRow,
} from './rollup-cql.js';
import {
  durabilityWarning,
  readCommitlogSync,
  readNonFrozenMaps,
  type ServerWarning,
  schemaWarning,
} from './server-checks.js';

/** Rows per single-partition batch: large enough to amortise a request, small enough to spread over requests. */
export const MAX_ROWS_PER_BATCH = 100;

/** One request: a statement and the bound rows it writes, all in one partition. */
export interface PartitionWrite {
  cql: string;
  rows: unknown[][];
}

/**
 * The requests that write a batch: one version per reading key (see latestPerKey), both tables' rows
 * grouped by partition. Pure, so tests and the benchmark's bare driver loop use the very same statements.
 */
export function planWrites(config: CassandraConfig, batch: readonly Reading[]): PartitionWrite[] {
  const readings = latestPerKey(batch);
  const power = readings.filter((r) => r.values.power_w !== undefined);
  const readingsCql = insertReadingCql(config);
  const sitePowerCql = insertSitePowerCql(config);
  return [
    ...chunksByPartition(readings, readingsPartition, MAX_ROWS_PER_BATCH).map((rs) => ({
      cql: readingsCql,
      rows: rs.map(readingRow),
    })),
    ...chunksByPartition(power, sitePowerPartition, MAX_ROWS_PER_BATCH).map((rs) => ({
      cql: sitePowerCql,
      rows: rs.map((r) => sitePowerRow(r) ?? []),
    })),
  ];
}

/**
 * The requests that write a batch of rollups: the highest revision of each key, into `site_rollups`, and into
 * `group_rollups` for the sites `groupOf` knows a group of, grouped by partition like readings.
 */
export function planRollupWrites(
  config: CassandraConfig,
  batch: readonly Rollup[],
  groupOf: (site: string) => string | undefined,
): PartitionWrite[] {
  const rollups = newestRevisions(batch);
  const grouped = rollups.flatMap((rollup) => {
    const group = groupOf(rollup.site);
    return group === undefined ? [] : [{ group, rollup }];
  });
  const siteCql = insertSiteRollupCql(config);
  const groupCql = insertGroupRollupCql(config);
  return [
    ...chunksByPartition(rollups, siteRollupPartition, MAX_ROWS_PER_BATCH).map((rs) => ({
      cql: siteCql,
      rows: rs.map(siteRollupRow),
    })),
    ...chunksByPartition(grouped, groupRollupPartition, MAX_ROWS_PER_BATCH).map((gs) => ({
      cql: groupCql,
      rows: gs.map((g) => groupRollupRow(g.group, g.rollup)),
    })),
  ];
}

/** Sends one PartitionWrite: a plain prepared INSERT for one row, an unlogged batch for more. */
export function sendPartitionWrite(client: Client, write: PartitionWrite, executionProfile: string) {
  const [only, ...more] = write.rows;
  if (more.length === 0) return client.execute(write.cql, only, { prepare: true, executionProfile });
  return client.batch(
    write.rows.map((params) => ({ query: write.cql, params })),
    { prepare: true, logged: false, executionProfile },
  );
}

/**
 * Cassandra through cassandra-driver: prepared, idempotent upserts timestamped with each reading's `seq` (each
 * rollup's `revision`),
 * grouped into single-partition unlogged batches sent token-aware (the driver routes a batch by its first
 * statement's partition key, here every statement's), at most `concurrency` requests in flight.
 */
export class CassandraSink implements Sink {
  readonly name = 'cassandra';
  private client: Client | undefined;

  constructor(
    private readonly config: CassandraConfig,
    private readonly context?: SinkContext,
  ) {}

  async open(): Promise<void> {
    const { config } = this;
    const client = new Client(clientOptions(config));
    let warnings: ServerWarning[];
    try {
      await client.connect();
      if (config.create_schema) {
        for (const cql of [...schemaStatements(config), ...rollupSchemaStatements(config)]) await client.execute(cql);
      }
      warnings = [
        durabilityWarning(await readCommitlogSync(client), config),
        schemaWarning(await readNonFrozenMaps(client, config.keyspace), config.keyspace),
      ].filter((w) => w !== undefined);
    } catch (err) {
      await client.shutdown().catch(() => {});
      throw toSinkError(err, `cannot open ${config.contact_points.join(', ')}`);
    }
    this.client = client;
    for (const w of warnings) this.context?.log?.warn({ sink: this.name, ...w.fields }, w.message);
  }

  async write(batch: readonly Reading[]): Promise<void> {
    await this.send(planWrites(this.config, batch), `${batch.length} readings`);
  }

  async writeRollups(batch: readonly Rollup[]): Promise<void> {
    const groupOf = (site: string) => this.context?.siteTags(site)[GROUP_TAG];
    await this.send(planRollupWrites(this.config, batch, groupOf), `${batch.length} rollups`);
  }

  private async send(writes: readonly PartitionWrite[], what: string): Promise<void> {
    const client = this.client;
    if (!client) throw toSinkError(new Error('not open'), 'write');
    try {
      await forEachLimited(writes, this.config.concurrency, (w) => sendPartitionWrite(client, w, WRITE_PROFILE));
    } catch (err) {
      throw toSinkError(err, `write of ${what}`);
    }
  }

  async close(): Promise<void> {
    await this.client?.shutdown();
    this.client = undefined;
  }
}
