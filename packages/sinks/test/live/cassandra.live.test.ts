// Runs only when WATTBUS_TEST_CASSANDRA=host[:port] points at a Cassandra 4.x node (see vitest.config.ts);
// WATTBUS_TEST_CASSANDRA_DC names its data center (default datacenter1).
import type { Reading } from '@wattbus/contract';
import { Client } from 'cassandra-driver';
import { CassandraSink } from '../../src/cassandra/cassandra-sink.js';
import type { CassandraConfig } from '../../src/cassandra/config.js';
import { sinkSuite } from '../sink-suite.js';

const contactPoint = process.env.WATTBUS_TEST_CASSANDRA as string;
const dc = process.env.WATTBUS_TEST_CASSANDRA_DC ?? 'datacenter1';
let run = 0;

sinkSuite('cassandra (live server)', async () => {
  const keyspace = `wattbus_test_${process.pid}_${++run}`;
  const config: CassandraConfig = {
    contact_points: [contactPoint],
    local_data_center: dc,
    keyspace,
    create_schema: true,
    replication: { class: 'SimpleStrategy', replication_factor: 1 },
    consistency: 'local_one',
    concurrency: 32,
  };
  const client = new Client({ contactPoints: [contactPoint], localDataCenter: dc });
  return {
    sink: new CassandraSink(config),
    idempotent: true,
    readBack: async () => {
      const rows = (await client.execute(`SELECT * FROM ${keyspace}.readings`)).rows;
      return rows.map((row) => {
        const r: Reading = {
          v: 1,
          site: row.site,
          meter: row.meter,
          channel: row.channel,
          role: row.role as Reading['role'],
          seq: Number(row.seq),
          ts: (row.ts as Date).getTime(),
          values: row.get('values') as Record<string, number>,
        };
        const labels = row.get('labels') as Record<string, string> | null;
        if (labels && Object.keys(labels).length > 0) r.labels = labels;
        return r;
      });
    },
    cleanup: async () => {
      await client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`);
      await client.shutdown();
    },
  };
});
