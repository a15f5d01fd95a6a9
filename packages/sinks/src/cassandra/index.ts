import { defineSink } from '../sink.js';
import { CassandraSink } from './cassandra-sink.js';
import { CassandraConfigSchema } from './config.js';

export * from './cassandra-sink.js';
export * from './config.js';
export * from './cql.js';

export const cassandraSink = defineSink({
  name: 'cassandra',
  description: 'Cassandra 4.x (protocol v4): raw and per-site-day tables, idempotent prepared upserts',
  configSchema: CassandraConfigSchema,
  create: (config) => new CassandraSink(config),
});
