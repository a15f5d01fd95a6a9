import { type Fixture, makeFixture } from '@wattbus/broker-targets';
import { freePort, type RedisHandle, startApp, startRedis, waitFor } from '@wattbus/testkit';
import type { MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Clients, inbox, sessionPresent } from './helpers/clients.js';
import { type ClusterNodeHandle, startClusterNodes, TEST_HEARTBEAT_MS } from './helpers/cluster.js';

// Cluster mode: three wattbus-broker processes sharing one real redis-server, with the deployed ACL. Every test
// crosses nodes, so each fails when the nodes stand alone (startClusterNodes(..., { cluster: false })).

const READINGS = 'wattbus/v1/+/+/reading';
const SHARE = `$share/sinks/${READINGS}`;

let fixture: Fixture;
let redis: RedisHandle;
let nodes: ClusterNodeHandle[];
let clients: Clients;
beforeAll(async () => {
  [fixture, redis] = await Promise.all([makeFixture(), startRedis()]);
  nodes = await startClusterNodes(fixture, redis, 3);
  clients = new Clients(fixture);
}, 60_000);
afterEach(async () => {
  await clients.closeAll();
});
afterAll(async () => {
  await Promise.all((nodes ?? []).map((n) => n.stop()));
  await redis?.stop();
  await fixture?.cleanup();
});

const node = (i: number) => nodes[i] as ClusterNodeHandle;

/** Publishes `n` readings of house-12 (QoS 1) on `at`, each payload `${prefix}${i}`; returns "topic payload" of each. */
async function publishReadings(at: ClusterNodeHandle, prefix: string, n: number): Promise<string[]> {
  const agent = await clients.connect(at.url, 'house-12', { clientId: `house-12-${prefix}` });
  const topic = 'wattbus/v1/house-12/main/reading';
  const sent = Array.from({ length: n }, (_, i) => `${prefix}${i}`);
  await Promise.all(sent.map((p) => agent.publishAsync(topic, p, { qos: 1 })));
  await agent.endAsync();
  return sent.map((p) => `${topic} ${p}`);
}

async function shareMember(at: ClusterNodeHandle, id: string): Promise<MqttClient> {
  const client = await clients.connect(at.url, 'sink-worker', { clean: false, clientId: id });
  expect(await client.subscribeAsync(SHARE, { qos: 1 })).toEqual([{ topic: SHARE, qos: 1 }]);
  return client;
}

const counts = (list: string[]) => {
  const seen = new Map<string, number>();
  for (const m of list) seen.set(m, (seen.get(m) ?? 0) + 1);
  return seen;
};

describe('cluster of 3 brokers through Redis', () => {
  it('delivers a message published on one node to subscribers on the others, within the ACL', async () => {
    const sink = await clients.connect(node(1).url, 'sink-worker', { clientId: 'sink-worker-plain' });
    await sink.subscribeAsync(READINGS, { qos: 1 });
    // house-13 subscribing to house-12's readings is granted by Aedes but the ACL filters every delivery.
    const nosy = await clients.connect(node(2).url, 'house-13', { clientId: 'house-13-nosy' });
    await nosy.subscribeAsync('wattbus/v1/house-12/#', { qos: 1 });
    const sent = await publishReadings(node(0), 'cross', 20);
    await waitFor(() => inbox(sink).messages.length >= sent.length, { timeoutMs: 10_000, what: 'readings on node 2' });
    expect(inbox(sink).messages).toEqual(sent);
    expect(inbox(nosy).messages).toEqual([]);
  });

  it('hands each message to exactly one member of a $share group spread over the nodes, every member a share', async () => {
    const members = await Promise.all(nodes.map((n, i) => shareMember(n, `sink-worker-share-${i}`)));
    // All through node 1: members elsewhere get their share only if node 1 routes to other nodes.
    const sent = await publishReadings(node(0), 'a', 300);
    const all = () => members.flatMap((m) => inbox(m).messages);
    await waitFor(() => all().length >= sent.length, { timeoutMs: 15_000, what: 'every reading in the group' });
    // Anything extra would have arrived by now as well.
    await new Promise((r) => setTimeout(r, 1_000));
    const received = counts(all());
    expect([...received.keys()].sort()).toEqual([...sent].sort());
    expect([...received.values()].every((c) => c === 1)).toBe(true);
    for (const m of members) expect(inbox(m).messages.length).toBeGreaterThan(30);
    for (const m of members) await m.unsubscribeAsync(SHARE);
  });

  it('serves a message retained through one node to a subscriber of another', async () => {
    const agent = await clients.connect(node(0).url, 'house-12', { clientId: 'house-12-retain' });
    await agent.publishAsync('wattbus/v1/house-12/info', '{"name":"flat"}', { qos: 1, retain: true });
    const dash = await clients.connect(node(2).url, 'dash-martin', { clientId: 'dash-martin-retained' });
    await dash.subscribeAsync('wattbus/v1/house-12/info', { qos: 1 });
    await inbox(dash).has('wattbus/v1/house-12/info {"name":"flat"}');
  });

  it('publishes the Will of a client whose node was killed, on the other nodes', async () => {
    const watcher = await clients.connect(node(1).url, 'dash-martin', { clientId: 'dash-martin-will' });
    await watcher.subscribeAsync('wattbus/v1/house-12/status', { qos: 1 });
    await clients.connect(node(0).url, 'house-12', {
      clientId: 'house-12-will',
      will: { topic: 'wattbus/v1/house-12/status', payload: Buffer.from('offline'), qos: 1, retain: true },
    });
    await node(0).kill9();
    try {
      await inbox(watcher).has('wattbus/v1/house-12/status offline');
    } finally {
      await node(0).start();
    }
  });

  it("does not publish a dead node's Will after its client came back through another node", async () => {
    const status = 'wattbus/v1/house-13/status';
    const watcher = await clients.connect(node(2).url, 'dash-martin', { clientId: 'dash-martin-back' });
    await watcher.subscribeAsync(status, { qos: 1 });
    const will = { topic: status, payload: Buffer.from('offline'), qos: 1 as const, retain: true };
    const agent = await clients.connect(node(0).url, 'house-13', { clientId: 'house-13-back', will });
    await agent.publishAsync(status, 'online', { qos: 1, retain: true });
    await inbox(watcher).has(`${status} online`);
    await node(0).kill9();
    try {
      // Back at once, before the other nodes can have found node 1 dead (3 heartbeats).
      const back = await clients.connect(node(1).url, 'house-13', { clientId: 'house-13-back', will });
      await back.publishAsync(status, 'online again', { qos: 1, retain: true });
      await inbox(watcher).has(`${status} online again`);
      // Long past the Wills of node 1 (dead after 3 heartbeats, its Wills published 4–7 heartbeats later).
      await new Promise((r) => setTimeout(r, 12 * TEST_HEARTBEAT_MS));
      // A Will published before the client came back is in order; one after it is not.
      expect(inbox(watcher).messages.at(-1)).toBe(`${status} online again`);
      const late = await clients.connect(node(2).url, 'dash-martin', { clientId: 'dash-martin-late' });
      await late.subscribeAsync(status, { qos: 1 });
      await inbox(late).has(`${status} online again`);
      expect(inbox(late).messages).toEqual([`${status} online again`]);
    } finally {
      await node(0).start();
    }
  });

  it('resumes a persistent session on another node when its node dies, with the QoS 1 messages queued meanwhile', async () => {
    const worker = await clients.connect(node(2).url, 'sink-worker', { clean: false, clientId: 'sink-worker-moves' });
    await worker.subscribeAsync(READINGS, { qos: 1 });
    // Aedes sends PUBACK before it queues and dispatches a message: one still on its way when the session resumes
    // would come twice (queued, and live). The session resumes once a plain subscriber has had every message.
    const witness = await clients.connect(node(1).url, 'sink-worker', { clientId: 'sink-worker-witness' });
    await witness.subscribeAsync(READINGS, { qos: 1 });
    await node(2).kill9();
    try {
      const sent = await publishReadings(node(0), 'queued', 30);
      await waitFor(() => inbox(witness).messages.length >= sent.length, { timeoutMs: 10_000, what: 'all published' });
      const resumed = await clients.connect(node(1).url, 'sink-worker', {
        clean: false,
        clientId: 'sink-worker-moves',
      });
      expect(sessionPresent(resumed)).toBe(true);
      await waitFor(() => inbox(resumed).messages.length >= sent.length, {
        timeoutMs: 10_000,
        what: 'queued readings',
      });
      expect(inbox(resumed).messages).toEqual(sent);
    } finally {
      await node(2).start();
    }
  });

  it("hands a killed node's member's unacknowledged $share messages to a member on another node", async () => {
    const doomed = await clients.connect(node(2).url, 'sink-worker', { clean: false, clientId: 'sink-worker-doomed' });
    const held: string[] = [];
    // Never acknowledges (and mqtt.js emits no 'message' for what it has not acknowledged).
    doomed.options.customHandleAcks = (topic, payload) => {
      held.push(`${topic} ${payload.toString()}`);
    };
    await doomed.subscribeAsync(SHARE, { qos: 1 });
    const survivor = await shareMember(node(1), 'sink-worker-survivor');
    const sent = await publishReadings(node(0), 'held', 40);
    // mqtt.js reads nothing more while an acknowledgement is held: the rest handed to the doomed member waits unread.
    await waitFor(() => held.length > 0 && inbox(survivor).messages.length > 0, {
      timeoutMs: 10_000,
      what: 'readings at both members',
    });
    await node(2).kill9();
    try {
      await waitFor(() => new Set(inbox(survivor).messages).size >= sent.length, {
        timeoutMs: 15_000,
        what: `every reading at the survivor (has ${inbox(survivor).messages.length})`,
      });
      expect([...new Set(inbox(survivor).messages)].sort()).toEqual([...sent].sort());
      await survivor.unsubscribeAsync(SHARE);
    } finally {
      await node(2).start();
    }
  });
});

describe('cluster config errors', () => {
  it('names the key of a bad cluster section, and refuses persistence beside it', async () => {
    const bad = await startApp(
      'broker',
      {
        persistence: { path: '/tmp/unused' },
        cluster: { redis_url: 'http://127.0.0.1:6379', node_id: 'node 1' },
      },
      { readyWhen: null },
    );
    expect(await bad.exited).toBe(2);
    expect(bad.output()).toMatch(/cluster\.redis_url: /);
    expect(bad.output()).toMatch(/cluster\.node_id: /);
    const both = await startApp(
      'broker',
      { persistence: { path: '/tmp/unused' }, cluster: { redis_url: redis.url, node_id: 'node-1' } },
      { readyWhen: null },
    );
    expect(await both.exited).toBe(2);
    expect(both.output()).toMatch(/persistence: a cluster node keeps everything in cluster\.redis_url/);
  });

  it('says which Redis it cannot reach, without its password', async () => {
    const url = `redis://wattbus:s3cret@127.0.0.1:${await freePort()}`;
    const bad = await startApp('broker', { cluster: { redis_url: url, node_id: 'node-1' } }, { readyWhen: null });
    expect(await bad.exited).not.toBe(0);
    expect(bad.output()).toMatch(/cluster\.redis_url redis:\/\/wattbus:\*\*\*@127\.0\.0\.1:\d+\/?: cannot connect/);
    expect(bad.output()).not.toContain('s3cret');
  });
});

describe('a cluster node whose Redis goes away', () => {
  it('stays up meanwhile, and stops cleanly when told to', async () => {
    const own = await startRedis();
    const port = await freePort();
    const node = await startApp('broker', {
      listeners: { tcp: { host: '127.0.0.1', port } },
      auth: { allow_anonymous: true },
      cluster: { redis_url: own.url, node_id: 'lonely', heartbeat_ms: 100 },
    });
    await own.stop();
    // Heartbeats, Wills and queue counts all wait meanwhile; before, a command that gave up after its 20 retries
    // (≈ 10 s) ended the process.
    await new Promise((r) => setTimeout(r, 15_000));
    expect(node.proc.exitCode).toBeNull();
    // stop() escalates to SIGKILL (exit code null) if SIGTERM does not end it in time.
    expect(await node.stop('SIGTERM', 20_000)).toBe(0);
  }, 60_000);
});
