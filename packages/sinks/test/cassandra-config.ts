import type { CassandraConfig } from '../src/cassandra/config.js';

/** A full Cassandra sink config for the unit tests (two data centers, so the replication map shows). */
export const testConfig: CassandraConfig = {
  contact_points: ['127.0.0.1'],
  local_data_center: 'dc1',
  keyspace: 'wattbus',
  create_schema: true,
  replication: { class: 'NetworkTopologyStrategy', data_centers: { dc1: 3, dc2: 2 } },
  consistency: 'local_quorum',
  concurrency: 32,
  reconnect_max_ms: 2_000,
};
