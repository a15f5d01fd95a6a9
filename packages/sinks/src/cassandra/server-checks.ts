import type { Client } from 'cassandra-driver';
import type { CassandraConfig } from './config.js';

export interface ServerWarning {
  message: string;
  fields: Record<string, unknown>;
}

/**
 * The node's `commitlog_sync`: `system_views.settings` on Cassandra 4.0 and later, `system.config` on
 * ScyllaDB; undefined where neither answers (Cassandra 3, no permission).
 */
export async function readCommitlogSync(client: Client): Promise<string | undefined> {
  for (const cql of [
    "SELECT value FROM system_views.settings WHERE name = 'commitlog_sync'",
    "SELECT value FROM system.config WHERE name = 'commitlog_sync'",
  ]) {
    const value = await client.execute(cql).then(
      (rs) => rs.first()?.get('value') as string | undefined,
      () => undefined,
    );
    if (typeof value === 'string') return value.replace(/"/g, '');
  }
  return undefined;
}

/**
 * With `periodic`, a node acknowledges a write before its commit log reaches the disk (it syncs every
 * `commitlog_sync_period`, 10 s by default), so a crash of every replica that acknowledged it loses the
 * write although the worker has already acked it to the broker. `batch` and `group` sync before acking.
 */
export function durabilityWarning(
  commitlogSync: string | undefined,
  config: CassandraConfig,
): ServerWarning | undefined {
  if (commitlogSync !== 'periodic') return undefined;
  return {
    message:
      'Cassandra acknowledges writes before they are on disk (commitlog_sync: periodic): a crash of the replicas that acknowledged a write can lose readings already acked to the broker; set commitlog_sync: batch (docs/stores.md, Cassandra)',
    fields: { commitlog_sync: commitlogSync, consistency: config.consistency },
  };
}

/** Non-frozen map columns in `readings`, left by an earlier wattbus version: each insert writes a tombstone. */
export async function readNonFrozenMaps(client: Client, keyspace: string): Promise<string[]> {
  const rs = await client.execute(
    "SELECT column_name, type FROM system_schema.columns WHERE keyspace_name = ? AND table_name = 'readings'",
    [keyspace],
  );
  return rs.rows
    .filter((row) => String(row.get('type')).startsWith('map<'))
    .map((row) => String(row.get('column_name')))
    .sort();
}

export function schemaWarning(nonFrozen: readonly string[], keyspace: string): ServerWarning | undefined {
  if (nonFrozen.length === 0) return undefined;
  return {
    message: `${keyspace}.readings has non-frozen map columns: every insert writes a tombstone per map; move the data to a keyspace made by this version (docs/stores.md, Cassandra)`,
    fields: { keyspace, columns: nonFrozen },
  };
}
