// Issue #22: the embedded broker as a 3-node cluster (Redis) against one node (LevelDB), in the same run on the same
// machine. Each setup gets the same load: 3 publishers (simulated households, QoS 1) — spread over the nodes in the
// cluster, all on the one node otherwise — and two sink workers sharing one `$share` group (file sink, no fsync, so
// the broker is what is measured). Reported: stored readings/s (first publish to last reading stored) and the CPU
// per reading of the brokers (the cluster's three nodes and redis-server together). Writes
// bench/results/cluster.{md,json}. Knobs: CLUSTER_RATE (readings/s per publisher, default 1000), CLUSTER_COUNT (per
// publisher, default 20000).
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HouseholdFleet, runLoad } from '@wattbus/loadgen-core';
import {
  freePort,
  type ProcessHandle,
  REPO_ROOT,
  startApp,
  startRedis,
  type TempDir,
  tempDir,
  waitFor,
} from '@wattbus/testkit';
import mqtt from 'mqtt';
import { cpuSeconds, describeMachine } from './machine.js';

const RATE = Number(process.env.CLUSTER_RATE ?? 1000);
const COUNT = Number(process.env.CLUSTER_COUNT ?? 20_000);
const PUBLISHERS = 3;
const OUT_DIR = process.env.CLUSTER_OUT_DIR ?? join(REPO_ROOT, 'bench', 'results');
const log = (step: string, fields: Record<string, unknown> = {}) =>
  process.stderr.write(`${JSON.stringify({ bench: 'cluster', step, ...fields })}\n`);

interface Setup {
  name: string;
  urls: string[];
  pids: number[];
  stop(): Promise<void>;
}

interface Result {
  setup: string;
  readings: number;
  seconds: number;
  stored_per_s: number;
  broker_cpu_s: number;
  broker_cpu_us_per_reading: number;
}

async function oneNode(dir: string): Promise<Setup> {
  const port = await freePort();
  const proc = await startApp('broker', {
    listeners: { tcp: { host: '127.0.0.1', port } },
    auth: { allow_anonymous: true },
    persistence: { path: join(dir, 'broker-db') },
  });
  return {
    name: 'one node (LevelDB)',
    urls: [`mqtt://127.0.0.1:${port}`],
    pids: [proc.proc.pid as number],
    stop: async () => {
      await proc.stop();
    },
  };
}

async function threeNodes(): Promise<Setup> {
  const redis = await startRedis();
  const nodes: Array<{ url: string; proc: ProcessHandle }> = [];
  for (let i = 1; i <= 3; i++) {
    const port = await freePort();
    const proc = await startApp('broker', {
      listeners: { tcp: { host: '127.0.0.1', port } },
      auth: { allow_anonymous: true },
      cluster: { redis_url: redis.url, node_id: `bench-${i}` },
    });
    nodes.push({ url: `mqtt://127.0.0.1:${port}`, proc });
  }
  return {
    name: '3-node cluster (Redis, appendfsync always)',
    urls: nodes.map((n) => n.url),
    pids: [...nodes.map((n) => n.proc.proc.pid as number), redis.process().proc.pid as number],
    stop: async () => {
      await Promise.all(nodes.map((n) => n.proc.stop()));
      await redis.stop();
    },
  };
}

async function storedLines(dir: string): Promise<number> {
  let lines = 0;
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => [])) {
    if (!entry.isFile()) continue;
    const text = await readFile(join(entry.parentPath, entry.name), 'utf8');
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++;
  }
  return lines;
}

async function measure(setup: Setup, tmp: TempDir): Promise<Result> {
  const out = join(tmp.path, `store-${setup.pids[0]}`);
  const url = (i: number) => setup.urls[i % setup.urls.length] as string;
  const workers = await Promise.all(
    [0, 1].map((i) =>
      startApp('sink-worker', {
        mqtt: { url: url(i) },
        consumer: { id: `bench-sink-${i}`, share_group: 'bench-sinks' },
        receipts: { enabled: false },
        sinks: { file: { dir: out, fsync: false } },
      }),
    ),
  );
  const total = COUNT * PUBLISHERS;
  try {
    const cpu = () => setup.pids.reduce((sum, pid) => sum + (cpuSeconds(pid) ?? 0), 0);
    const cpuBefore = cpu();
    const started = Date.now();
    await Promise.all(
      Array.from({ length: PUBLISHERS }, async (_, i) => {
        const client = await mqtt.connectAsync(url(i), { clientId: `bench-pub-${i}-${process.pid}` });
        const fleet = new HouseholdFleet({ households: 300, sitePrefix: `bench${i}` });
        await runLoad({ fleet, client, rate: RATE, count: COUNT });
        await client.endAsync();
      }),
    );
    await waitFor(async () => (await storedLines(out)) >= total, {
      what: `${total} readings stored`,
      timeoutMs: 300_000,
      intervalMs: 200,
    });
    const seconds = (Date.now() - started) / 1000;
    const brokerCpu = cpu() - cpuBefore;
    return {
      setup: setup.name,
      readings: total,
      seconds,
      stored_per_s: Math.round(total / seconds),
      broker_cpu_s: Number(brokerCpu.toFixed(2)),
      broker_cpu_us_per_reading: Math.round((brokerCpu / total) * 1e6),
    };
  } finally {
    await Promise.all(workers.map((w) => w.stop('SIGTERM', 15_000)));
  }
}

const machine = describeMachine();
const tmp = await tempDir('wattbus-bench-cluster-');
const results: Result[] = [];
try {
  for (const make of [() => oneNode(tmp.path), threeNodes]) {
    const setup = await make();
    log('running', { setup: setup.name, rate: RATE * PUBLISHERS, count: COUNT * PUBLISHERS });
    try {
      results.push(await measure(setup, tmp));
      log('done', { ...results.at(-1) });
    } finally {
      await setup.stop();
    }
  }
} finally {
  await tmp.cleanup();
}
const [one, three] = results as [Result, Result];
const md = [
  '# Embedded broker: a 3-node cluster against one node',
  '',
  `${new Date().toISOString().slice(0, 10)}, ${machine.cores} × ${machine.cpu_model}; offered ${RATE * PUBLISHERS} readings/s ` +
    `(${PUBLISHERS} publishers × ${RATE}/s, QoS 1), ${COUNT * PUBLISHERS} readings; two sink workers sharing one ` +
    '`$share` group, file sink without fsync. Same run, same machine (`pnpm --filter @wattbus/bench bench:cluster`).',
  '',
  '| setup | stored readings/s | broker CPU µs per reading |',
  '|---|---|---|',
  ...results.map((r) => `| ${r.setup} | ${r.stored_per_s} | ${r.broker_cpu_us_per_reading} |`),
  '',
  `Ratio cluster / one node: throughput ${(three.stored_per_s / one.stored_per_s).toFixed(2)}, ` +
    `CPU per reading ${(three.broker_cpu_us_per_reading / one.broker_cpu_us_per_reading).toFixed(2)}.`,
  '',
].join('\n');
await mkdir(OUT_DIR, { recursive: true });
await writeFile(join(OUT_DIR, 'cluster.md'), md);
await writeFile(
  join(OUT_DIR, 'cluster.json'),
  `${JSON.stringify({ machine, rate: RATE, count: COUNT, results }, null, 2)}\n`,
);
process.stdout.write(md);
