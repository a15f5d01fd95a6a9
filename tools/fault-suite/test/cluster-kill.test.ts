import { setTimeout as sleep } from 'node:timers/promises';
import { type Health, topics } from '@wattbus/contract';
import { readStoredReadings, startRedis, type TempDir, tempDir, waitFor } from '@wattbus/testkit';
import mqtt from 'mqtt';
import { expect, it } from 'vitest';
import { account, formatCounts } from '../src/accounting.js';
import { type AgentState, readAgentState } from '../src/agent-state.js';
import { clusterNodes } from '../src/cluster-nodes.js';
import { DATABASE, RECEIPT_MAX_BACKOFF_MS, RECEIPT_TIMEOUT_MS } from '../src/pipeline.js';
import { expectExactlyOnce } from '../src/scenario.js';
import { faultSeed, makeRng } from '../src/seed.js';
import { app, type Faultable, type FaultableBroker, influxd } from '../src/services.js';

const SCENARIO = 'cluster-kill';

/** The `url` of each readings connection the sink worker logged, in order. */
function connectedTo(output: string): string[] {
  return output
    .split('\n')
    .filter((line) => line.includes('"type":"connect"') && line.includes('"connection":"readings"'))
    .map((line) => (JSON.parse(line) as { url: string }).url);
}
const GROUP = `${SCENARIO}-sinks`;
const KILLS = 3;
const HEARTBEAT_MS = 500;

/**
 * Three broker nodes in cluster mode over one redis-server. Three agents (storage receipts on) spread over the nodes,
 * two of them on node 1; two sink workers sharing one `$share` group, one on node 1 and one on node 2. Node 1 is
 * SIGKILLed 3 times mid-stream and started again each time: its agents and worker move to the other nodes (their
 * `mqtt.url` lists), the worker's session with what was queued for it, the group's messages it held go to the other
 * worker. The store must hold every reading the agents made exactly once.
 */
it('a 3-node broker cluster, the node holding two agents and a sink worker SIGKILLed 3 times mid-stream: every reading stored exactly once', {
  timeout: 300_000,
}, async () => {
  const rng = makeRng(faultSeed());
  console.log(`faults[${SCENARIO}] seed=${rng.seed}`);
  const redis = await startRedis();
  const [nodes, influx] = await Promise.all([clusterNodes(redis.url, 3, HEARTBEAT_MS), influxd()]);
  const [n1, n2, n3] = nodes.map((n) => n.url) as [string, string, string];
  const mqttOf = (url: string[]) => ({ url, reconnect_min_ms: 200, reconnect_max_ms: 1000, keepalive_s: 5 });
  const sites = [
    { site: `${SCENARIO}-a`, url: [n1, n2, n3] },
    { site: `${SCENARIO}-b`, url: [n1, n3, n2] },
    { site: `${SCENARIO}-c`, url: [n2, n3, n1] },
  ];
  const states: TempDir[] = await Promise.all(sites.map(() => tempDir('wattbus-faults-cluster-')));
  const agentConfig = (i: number, drain: boolean) => ({
    site: { id: sites[i]?.site },
    mqtt: mqttOf(sites[i]?.url ?? []),
    state_dir: states[i]?.path,
    health_interval_s: 1,
    delivery: {
      receipts_from: [GROUP],
      receipt_timeout_ms: RECEIPT_TIMEOUT_MS,
      max_backoff_ms: RECEIPT_MAX_BACKOFF_MS,
    },
    meters: Array.from({ length: 2 }, (_, m) => ({
      id: `m${m + 1}`,
      driver: 'simulated',
      interval_ms: 100,
      // drain: the same meters failing every read, so the agent only empties its queue
      config: { seed: 10 * i + m + 1, pv_kwp: 3, ...(drain && { fail: { every_s: 1, for_s: 1 } }) },
    })),
  });
  const sinkConfig = (id: string, url: string[]) => ({
    mqtt: mqttOf(url),
    consumer: { id, share_group: GROUP },
    batch: { max_size: 1000, max_delay_ms: 100 },
    retry: { min_ms: 100, max_ms: 1000 },
    sinks: { influx: { url: influx.url, database: DATABASE } },
    receipts: { interval_ms: 500 },
  });
  const started: Faultable[] = [];
  // One observer per node (any node hears every agent's health), each reconnecting to its node after a kill.
  const observers = await Promise.all(
    nodes.map((n, i) =>
      mqtt.connectAsync(n.url, { clientId: `${SCENARIO}-observer-${i}-${process.pid}`, reconnectPeriod: 500 }),
    ),
  );
  const healths = new Map<string, Array<{ at: number; health: Health }>>();
  for (const observer of observers) {
    observer.on('error', () => {});
    observer.on('message', (_topic, payload) => {
      const health = JSON.parse(payload.toString()) as Health;
      healths.set(health.site, [...(healths.get(health.site) ?? []), { at: Date.now(), health }]);
    });
    for (const { site } of sites) await observer.subscribeAsync(topics.health(site), { qos: 0 });
  }
  const stored = async () =>
    (await readStoredReadings(influx, DATABASE).catch(() => [])).filter((r) => r.tags.site?.startsWith(SCENARIO));
  const story: string[] = [];
  const t0 = Date.now();
  try {
    started.push(await app('sink-1', 'sink-worker', sinkConfig(`${SCENARIO}-sink-1`, [n1, n2, n3])));
    started.push(await app('sink-2', 'sink-worker', sinkConfig(`${SCENARIO}-sink-2`, [n2, n3, n1])));
    const agents = await Promise.all(sites.map((_, i) => app(`agent-${i}`, 'edge-agent', agentConfig(i, false))));
    started.push(...agents);
    await waitFor(async () => (await stored()).length >= 300, { what: '300 readings stored', timeoutMs: 60_000 });
    const sink1 = started[0] as Faultable;
    for (let k = 1; k <= KILLS; k++) {
      await sleep(rng.int(2_000, 5_000));
      // The node sink-1 (and with it agent a, whose list turns the same way) is connected to now.
      const at = connectedTo(sink1.output()).at(-1);
      const victim = nodes.find((n) => n.url === at) ?? (nodes[0] as FaultableBroker);
      await victim.kill9();
      story.push(`${victim.name} SIGKILLed at +${Date.now() - t0} ms`);
      await waitFor(() => connectedTo(sink1.output()).length > k, { what: `sink-1 connected again after kill ${k}` });
      await sleep(rng.int(500, 2_000));
      await victim.up();
    }
    await sleep(8_000); // the stream goes on, with the re-sends of what the kills took down

    // End of stream: each agent stopped, then run again with failing meters until its queue is empty.
    await Promise.all(agents.map((a) => a.down()));
    const drainStart = Date.now();
    const drains = await Promise.all(sites.map((_, i) => app(`drain-${i}`, 'edge-agent', agentConfig(i, true))));
    try {
      await waitFor(
        () =>
          sites.every(({ site }) =>
            (healths.get(site) ?? []).some((h) => h.at > drainStart && h.health.queue.depth === 0),
          ),
        {
          timeoutMs: 90_000,
          what: `the agents' queues to drain (${sites.map(({ site }) => JSON.stringify(healths.get(site)?.at(-1)?.health.queue)).join(' ')})`,
        },
      );
    } finally {
      await Promise.all(drains.map((d) => d.dispose()));
    }
    const agentStates = await Promise.all(sites.map(({ site }, i) => readAgentState(states[i]?.path ?? '', site)));
    const all: AgentState = {
      lastSeq: new Map(agentStates.flatMap((s) => [...s.lastSeq])),
      dropped: agentStates.reduce((n, s) => n + s.dropped, 0),
      queued: agentStates.reduce((n, s) => n + s.queued, 0),
    };
    const expected = [...all.lastSeq.values()].reduce((x, y) => x + y, 0) - all.dropped;
    await waitFor(async () => (await stored()).length >= expected, {
      timeoutMs: 60_000,
      intervalMs: 500,
      what: `${expected} readings stored`,
    }).catch(() => {}); // the counts below say what is missing
    await sleep(1_000); // a late duplicate would show up now
    const counts = { ...account(all, await stored()), queued: all.queued };
    const moves = connectedTo(sink1.output());
    console.log(`${formatCounts(SCENARIO, rng.seed, counts)} kills=${KILLS} sink_1_moves=${moves.length - 1}`);
    // The worker lost its node at each kill and went on through another.
    expect(moves).toHaveLength(KILLS + 1);
    expectExactlyOnce({ ...counts, story: story.join('\n') });
  } finally {
    await Promise.allSettled(observers.map((o) => o.endAsync(true)));
    await Promise.allSettled(started.map((s) => s.dispose()));
    await Promise.allSettled([...nodes.map((n) => n.dispose()), influx.dispose()]);
    await redis.stop();
    await Promise.allSettled(states.map((s) => s.cleanup()));
  }
});
