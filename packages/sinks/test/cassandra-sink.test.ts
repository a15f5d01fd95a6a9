import { freePort } from '@wattbus/testkit';
import { expect, it } from 'vitest';
import { CassandraSink } from '../src/cassandra/cassandra-sink.js';
import { SinkError } from '../src/sink.js';

// No Cassandra server can be installed here: this runs the real driver against a port where nothing
// listens. test/live/cassandra.live.test.ts runs the shared sink suite when WATTBUS_TEST_CASSANDRA is set.
it('an unreachable cluster is a transient error naming the contact points', async () => {
  const port = await freePort();
  const sink = new CassandraSink({
    contact_points: [`127.0.0.1:${port}`],
    local_data_center: 'dc1',
    keyspace: 'wattbus',
    create_schema: true,
    replication: { class: 'SimpleStrategy', replication_factor: 1 },
    consistency: 'local_quorum',
    concurrency: 8,
    reconnect_max_ms: 2_000,
  });
  const error = await sink.open().catch((e: unknown) => e);
  expect(error).toBeInstanceOf(SinkError);
  expect(error).toMatchObject({ permanent: false, sink: 'cassandra' });
  expect((error as Error).message).toMatch(
    new RegExp(`^sink cassandra: cannot open 127\\.0\\.0\\.1:${port}: All host\\(s\\) tried`),
  );
});
