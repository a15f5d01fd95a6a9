/**
 * Cassandra sink throughput against a bare cassandra-driver loop (`pnpm bench:cassandra`), in the same run.
 *
 * Needs a node: WATTBUS_TEST_CASSANDRA=host:port (WATTBUS_TEST_CASSANDRA_DC, default datacenter1). The
 * backlog is BENCH_READINGS readings (default 100,000) of BENCH_HOUSEHOLDS households (200) with three
 * channels each, written in batches of BENCH_BATCH (5,000, the worker's default batch size), one batch at a
 * time as the worker does. The bare loop sends the very requests the sink would (planned before its clock
 * starts) with the same concurrency; the sink plans them from the readings inside its clock. Rounds
 * alternate bare/sink (BENCH_ROUNDS, default 5), each on fresh rows; the ratio is the median of the
 * rounds' sink/bare ratios, which is steadier than either's best when other work shares the cores.
 */
import { performance } from 'node:perf_hooks';
import type { Reading } from '@wattbus/contract';
import { Client } from 'cassandra-driver';
import { CassandraSink, planWrites, sendPartitionWrite } from '../src/cassandra/cassandra-sink.js';
import { clientOptions, WRITE_PROFILE } from '../src/cassandra/client-options.js';
import { type CassandraConfig, CassandraConfigSchema } from '../src/cassandra/config.js';
import { forEachLimited } from '../src/cassandra/limited.js';

const contactPoint = process.env.WATTBUS_TEST_CASSANDRA;
if (!contactPoint) {
  console.error('set WATTBUS_TEST_CASSANDRA=host:port to a Cassandra node (see docs/stores.md, Cassandra)');
  process.exit(2);
}
const READINGS = Number(process.env.BENCH_READINGS ?? 100_000);
const HOUSEHOLDS = Number(process.env.BENCH_HOUSEHOLDS ?? 200);
const BATCH = Number(process.env.BENCH_BATCH ?? 5_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const TARGET = 0.9;
const CHANNELS = ['grid', 'consumption', 'production'] as const;

const config: CassandraConfig = {
  contact_points: [contactPoint],
  local_data_center: process.env.WATTBUS_TEST_CASSANDRA_DC ?? 'datacenter1',
  keyspace: 'wattbus_bench',
  create_schema: true,
  replication: { class: 'SimpleStrategy', replication_factor: 1 },
  consistency: 'local_quorum',
  concurrency: Number(process.env.BENCH_CONCURRENCY ?? CassandraConfigSchema.properties.concurrency.default),
  reconnect_max_ms: 2_000,
};

/** A backlog as the worker would receive it: every household's channels, second by second. */
function backlog(round: number): Reading[][] {
  const start = Date.UTC(2026, 0, 1) + round * 86_400_000;
  const readings: Reading[] = [];
  for (let s = 0; readings.length < READINGS; s++) {
    for (let h = 0; h < HOUSEHOLDS && readings.length < READINGS; h++) {
      for (const channel of CHANNELS) {
        const power = channel === 'production' ? -(500 + s) : 300 + h + s;
        readings.push({
          v: 1,
          site: `bench-${h}`,
          meter: 'main',
          channel,
          role: channel,
          seq: s + 1,
          ts: start + s * 1000,
          values: { power_w: power, energy_import_wh: 1_000_000 + s, voltage_v: 231.5, current_a: 4.2 },
          labels: { tariff: 'HP' },
        });
      }
    }
  }
  const batches: Reading[][] = [];
  for (let i = 0; i < readings.length; i += BATCH) batches.push(readings.slice(i, i + BATCH));
  return batches;
}

interface Run {
  seconds: number;
  readings: number;
  statements: number;
  requests: number;
}

async function bare(client: Client, batches: Reading[][]): Promise<Run> {
  const plans = batches.map((b) => planWrites(config, b));
  const t0 = performance.now();
  for (const plan of plans) {
    await forEachLimited(plan, config.concurrency, (w) => sendPartitionWrite(client, w, WRITE_PROFILE));
  }
  const seconds = (performance.now() - t0) / 1000;
  return {
    seconds,
    readings: batches.flat().length,
    statements: plans.flat().reduce((n, w) => n + w.rows.length, 0),
    requests: plans.flat().length,
  };
}

async function viaSink(sink: CassandraSink, batches: Reading[][]): Promise<Run> {
  const t0 = performance.now();
  for (const b of batches) await sink.write(b);
  const seconds = (performance.now() - t0) / 1000;
  const plans = batches.map((b) => planWrites(config, b));
  return {
    seconds,
    readings: batches.flat().length,
    statements: plans.flat().reduce((n, w) => n + w.rows.length, 0),
    requests: plans.flat().length,
  };
}

const rate = (r: Run) => ({
  readings_per_s: Math.round(r.readings / r.seconds),
  statements_per_s: Math.round(r.statements / r.seconds),
  requests_per_s: Math.round(r.requests / r.seconds),
  statements_per_reading: Number((r.statements / r.readings).toFixed(2)),
});

const client = new Client(clientOptions(config));
await client.connect();
const local = (await client.execute('SELECT release_version, cql_version FROM system.local')).first();
const settings = await client
  .execute(
    "SELECT name, value FROM system_views.settings WHERE name IN ('commitlog_sync', 'commitlog_sync_period_in_ms', 'commitlog_sync_period', 'concurrent_writes', 'memtable_allocation_type')",
  )
  .then(
    (rs) => Object.fromEntries(rs.rows.map((row) => [row.get('name'), row.get('value')])),
    () => ({ unavailable: 'no system_views.settings' }),
  );
console.log(
  JSON.stringify({
    server: { release_version: local?.get('release_version'), cql_version: local?.get('cql_version'), settings },
    readings: READINGS,
    households: HOUSEHOLDS,
    batch: BATCH,
    concurrency: config.concurrency,
  }),
);
await client.execute(`DROP KEYSPACE IF EXISTS ${config.keyspace}`);
const sink = new CassandraSink(config);
await sink.open();
const ratios: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  const b = await bare(client, backlog(2 * round));
  const s = await viaSink(sink, backlog(2 * round + 1));
  ratios.push(b.seconds / s.seconds);
  console.log(
    JSON.stringify({ round, bare: rate(b), sink: rate(s), ratio: Number((b.seconds / s.seconds).toFixed(2)) }),
  );
}
await sink.close();
await client.execute(`DROP KEYSPACE IF EXISTS ${config.keyspace}`);
await client.shutdown();
const median = [...ratios].sort((a, b) => a - b)[Math.floor(ratios.length / 2)] ?? 0;
console.log(JSON.stringify({ median_ratio: Number(median.toFixed(2)), target: TARGET }));
if (median < TARGET) process.exitCode = 1;
