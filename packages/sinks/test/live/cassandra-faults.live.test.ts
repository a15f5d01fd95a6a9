// Runs only when WATTBUS_TEST_CASSANDRA_START names a command that starts a Cassandra node (see
// cassandra-node.ts and vitest.config.ts): these tests crash and restart nodes of their own.
import { setImmediate, setTimeout as sleep } from 'node:timers/promises';
import type { Reading } from '@wattbus/contract';
import { Client } from 'cassandra-driver';
import { afterEach, expect, it } from 'vitest';
import { CassandraSink } from '../../src/cassandra/cassandra-sink.js';
import type { CassandraConfig } from '../../src/cassandra/config.js';
import { SinkError } from '../../src/sink.js';
import { type CassandraNode, deployCommitlogSync, startCassandraNode } from './cassandra-node.js';

const T0 = Date.UTC(2026, 5, 1);
const reading = (i: number): Reading => ({
  v: 1,
  site: 'crash-site',
  meter: 'main',
  channel: `ch${i % 10}`,
  role: 'consumption',
  seq: i + 1,
  ts: T0 + Math.floor(i / 10) * 1000,
  values: { power_w: i },
});
const configFor = (node: CassandraNode): CassandraConfig => ({
  contact_points: [node.contactPoint],
  local_data_center: 'datacenter1',
  keyspace: 'wattbus_faults',
  create_schema: true,
  replication: { class: 'SimpleStrategy', replication_factor: 1 },
  consistency: 'local_quorum',
  concurrency: 32,
  reconnect_max_ms: 2_000,
});

async function storedSeqs(node: CassandraNode): Promise<Set<number>> {
  const client = new Client({ contactPoints: [node.contactPoint], localDataCenter: 'datacenter1' });
  try {
    const rows = (await client.execute('SELECT seq FROM wattbus_faults.readings', [], { fetchSize: 100_000 })).rows;
    return new Set(rows.map((r) => Number(r.get('seq'))));
  } finally {
    await client.shutdown();
  }
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/**
 * Writes readings through the sink back to back, 50 per write as a busy worker's batches come, until the
 * node is SIGKILLed mid-stream; restarts it and counts the readings whose write had resolved (the worker
 * would have acked them to the broker) that the node no longer has. With `periodic`, Cassandra 4.0 marks
 * its commit log for replay only every ~100 ms between syncs, so a kill loses what was acked since.
 */
async function crashWhileWriting(commitlogSync: string) {
  const node = await startCassandraNode(commitlogSync);
  cleanups.push(() => node.stop());
  const warnings: string[] = [];
  const sink = new CassandraSink(configFor(node), {
    siteTags: () => ({}),
    log: { warn: (_fields, message) => warnings.push(message) },
  });
  await sink.open();
  cleanups.push(() => sink.close());
  const acked: number[] = [];
  let next = 0;
  let crashed = false;
  const writer = (async () => {
    while (!crashed) {
      const batch = Array.from({ length: 50 }, () => reading(next++));
      const wrote = await sink.write(batch).then(
        () => true,
        () => false,
      );
      if (wrote) acked.push(...batch.map((r) => r.seq));
      await setImmediate(); // a write refused at once must not starve the event loop (and the kill's exit event)
    }
  })();
  await sleep(4_000);
  await node.crash();
  crashed = true;
  await writer;
  await node.start();
  const stored = await storedSeqs(node);
  return { acked: acked.length, lost: acked.filter((s) => !stored.has(s)).length, warnings };
}

it("keeps every acknowledged write through a crash of a node configured as deploy/compose.yaml's", async () => {
  const mode = deployCommitlogSync();
  const { acked, lost, warnings } = await crashWhileWriting(mode);
  console.log(JSON.stringify({ commitlog_sync: mode, acked, lost }));
  expect(acked).toBeGreaterThan(1_000);
  expect(lost).toBe(0);
  expect(warnings).toEqual([]);
}, 300_000);

it('warns at start when the node may lose acknowledged writes (commitlog_sync: periodic)', async () => {
  const { acked, lost, warnings } = await crashWhileWriting('periodic');
  console.log(JSON.stringify({ commitlog_sync: 'periodic', acked, lost }));
  expect(warnings).toEqual([expect.stringContaining('commitlog_sync: periodic')]);
}, 300_000);

it('writes again within seconds of the node answering after a long outage', async () => {
  const node = await startCassandraNode('batch');
  cleanups.push(() => node.stop());
  const sink = new CassandraSink(configFor(node));
  await sink.open();
  cleanups.push(() => sink.close());
  await sink.write([reading(0)]);
  await node.crash();
  const crashedAt = Date.now();
  // retry as the worker does while the node is down. With the driver's default schedule (1 s doubling,
  // ±15 %), the attempts after ~31 s come only at ~54–72 s: the node, back ~20 s after its restart
  // began, answers inside that gap
  const downUntil = crashedAt + 20_000;
  while (Date.now() < downUntil) {
    await expect(sink.write([reading(1)])).rejects.toBeInstanceOf(SinkError);
    await sleep(1_000);
  }
  await node.start();
  const answered = Date.now();
  let resumedAfterMs: number | undefined;
  while (resumedAfterMs === undefined && Date.now() - answered < 5_000) {
    if (
      await sink.write([reading(1)]).then(
        () => true,
        () => false,
      )
    )
      resumedAfterMs = Date.now() - answered;
    else await sleep(100);
  }
  console.log(JSON.stringify({ outage_s: Math.round((answered - crashedAt) / 1000), resumedAfterMs }));
  expect(resumedAfterMs, 'writes did not resume within 5 s of the node answering').toBeDefined();
  expect([...(await storedSeqs(node))].sort()).toEqual([1, 2]);
}, 300_000);
