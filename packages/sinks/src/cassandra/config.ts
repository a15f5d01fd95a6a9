import { type Static, Type } from '@sinclair/typebox';

const CONSISTENCIES = ['one', 'two', 'three', 'quorum', 'all', 'local_quorum', 'each_quorum', 'local_one'] as const;

export const CassandraConfigSchema = Type.Object(
  {
    contact_points: Type.Array(Type.String({ minLength: 1 }), {
      minItems: 1,
      description: 'host or host:port of some cluster nodes',
    }),
    local_data_center: Type.String({ default: 'datacenter1', description: 'the data center this worker is in' }),
    keyspace: Type.String({ pattern: '^[a-z][a-z0-9_]{0,47}$', default: 'wattbus' }),
    username: Type.Optional(Type.String()),
    password: Type.Optional(Type.String({ description: 'use ${ENV_VAR}' })),
    create_schema: Type.Boolean({ default: true, description: 'CREATE KEYSPACE/TABLE IF NOT EXISTS on start' }),
    replication: Type.Union(
      [
        Type.Object(
          { class: Type.Literal('SimpleStrategy'), replication_factor: Type.Integer({ minimum: 1, default: 1 }) },
          { additionalProperties: false },
        ),
        Type.Object(
          {
            class: Type.Literal('NetworkTopologyStrategy'),
            data_centers: Type.Record(Type.String(), Type.Integer({ minimum: 1 }), {
              minProperties: 1,
              description: 'replicas per data center, e.g. { dc1: 3 }',
            }),
          },
          { additionalProperties: false },
        ),
      ],
      { default: { class: 'SimpleStrategy', replication_factor: 1 }, description: 'used when creating the keyspace' },
    ),
    consistency: Type.Union(
      CONSISTENCIES.map((c) => Type.Literal(c)),
      { default: 'local_quorum', description: 'write consistency level' },
    ),
    concurrency: Type.Integer({
      minimum: 1,
      maximum: 2048,
      default: 32,
      description: 'requests (single-partition batches) in flight per batch write',
    }),
    reconnect_max_ms: Type.Integer({
      minimum: 100,
      maximum: 60_000,
      default: 2_000,
      description: 'longest wait between attempts to reach a node that went down',
    }),
    ttl_days: Type.Optional(
      Type.Integer({ minimum: 1, description: 'expire readings after this many days (rollups are kept)' }),
    ),
  },
  { additionalProperties: false },
);
export type CassandraConfig = Static<typeof CassandraConfigSchema>;
