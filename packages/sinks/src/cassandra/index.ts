import { defineSink } from '../sink.js';
import { CassandraSink } from './cassandra-sink.js';
import { CassandraConfigSchema } from './config.js';

export const cassandraSink = defineSink({
  name: 'cassandra',
  description:
    'Cassandra 4.0–5.0, ScyllaDB: raw and per-site-day tables, seq-timestamped upserts in single-partition batches',
  configSchema: CassandraConfigSchema,
  create: (config, context) => new CassandraSink(config, context),
});
