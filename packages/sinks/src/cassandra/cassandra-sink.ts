import type { Reading } from '@wattbus/contract';
import { auth, Client, concurrent, ExecutionProfile, types } from 'cassandra-driver';
import type { Sink } from '../sink.js';
import type { CassandraConfig } from './config.js';
import { insertReadingCql, insertSitePowerCql, readingParams, schemaStatements, sitePowerParams } from './cql.js';
import { toSinkError } from './errors.js';

const PROFILE = 'wattbus-write';

/** The driver's types for the values the pure CQL layer produces (date, timestamp, bigint, unset). */
const driverValue = (value: unknown, index: number, kinds: readonly string[]): unknown => {
  if (value === null) return types.unset; // never write nulls: they are tombstones
  switch (kinds[index]) {
    case 'date':
      return types.LocalDate.fromString(value as string);
    case 'timestamp':
      return new Date(value as number);
    case 'bigint':
      return types.Long.fromNumber(value as number);
    default:
      return value;
  }
};
const READING_KINDS = ['text', 'text', 'text', 'date', 'timestamp', 'text', 'bigint', 'map', 'map'] as const;
const SITE_POWER_KINDS = ['text', 'date', 'timestamp', 'text', 'text', 'text', 'double', 'double', 'double'] as const;

/**
 * Cassandra through cassandra-driver: prepared, idempotent INSERTs (upserts on the primary key, so replays
 * are harmless) executed with bounded concurrency at the configured consistency level.
 */
export class CassandraSink implements Sink {
  readonly name = 'cassandra';
  private client: Client | undefined;

  constructor(private readonly config: CassandraConfig) {}

  async open(): Promise<void> {
    const { config } = this;
    const client = new Client({
      contactPoints: config.contact_points,
      localDataCenter: config.local_data_center,
      ...(config.username !== undefined && {
        authProvider: new auth.PlainTextAuthProvider(config.username, config.password ?? ''),
      }),
      profiles: [new ExecutionProfile(PROFILE, { consistency: types.consistencies[this.consistencyName()] })],
      queryOptions: { prepare: true, isIdempotent: true },
    });
    try {
      await client.connect();
      if (config.create_schema) for (const cql of schemaStatements(config)) await client.execute(cql);
    } catch (err) {
      await client.shutdown().catch(() => {});
      throw toSinkError(err, `cannot open ${config.contact_points.join(', ')}`);
    }
    this.client = client;
  }

  private consistencyName(): keyof typeof types.consistencies {
    return this.config.consistency.replace(/_([a-z])/g, (_, c: string) =>
      c.toUpperCase(),
    ) as keyof typeof types.consistencies;
  }

  async write(batch: readonly Reading[]): Promise<void> {
    const client = this.client;
    if (!client) throw toSinkError(new Error('not open'), 'write');
    if (batch.length === 0) return;
    const readings = batch.map((r) => readingParams(r).map((v, i) => driverValue(v, i, READING_KINDS)));
    const power = batch
      .map(sitePowerParams)
      .filter((p) => p !== undefined)
      .map((p) => p.map((v, i) => driverValue(v, i, SITE_POWER_KINDS)));
    const options = { concurrencyLevel: this.config.concurrency, executionProfile: PROFILE };
    try {
      await concurrent.executeConcurrent(client, insertReadingCql(this.config), readings, options);
      if (power.length > 0) await concurrent.executeConcurrent(client, insertSitePowerCql(this.config), power, options);
    } catch (err) {
      throw toSinkError(err, `write of ${batch.length} readings`);
    }
  }

  async close(): Promise<void> {
    await this.client?.shutdown();
    this.client = undefined;
  }
}
