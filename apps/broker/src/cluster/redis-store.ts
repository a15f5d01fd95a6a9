import AsyncRedisPersistence from 'aedes-persistence-redis/asyncPersistence.js';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { redisEmitter, redisQueueKey, retainedAsNodeStream } from '../aedes-internals.js';
import type { Owner, OwnerStore } from '../auth/session-owners.js';
import type { ClusterConfig } from '../config.js';
import { ClusterError, withoutPassword } from '../errors.js';
import type { BrokerStore } from '../persistence.js';
import type { MemberStore, StoredMember } from '../shared/shared-subscriptions.js';
import { ClusterBus } from './cluster-bus.js';

// Our own keys; aedes-persistence-redis' keys start with client:, clients, will, retained, outgoing, incoming, packet.
const OWNERS = 'wattbus:session-owners';
const MEMBERS = 'wattbus:share-members';
const CLAIM = 'wattbus:claim:';
const CLIENT_NODES = 'wattbus:client-nodes';

export interface ClusterStore extends BrokerStore {
  /** For AedesOptions.mq: MQTT messages between the nodes. */
  mq: unknown;
  bus: ClusterBus;
  /** For logs: the URL without its password. */
  redisUrl: string;
  /** Takes `key` for `ttlMs` unless another node holds it: one node at a time does the work it names. */
  claim(key: string, ttlMs: number): Promise<boolean>;
  release(key: string): Promise<void>;
  /** The node each connected client is connected to, cluster-wide. */
  setClientNode(clientId: string, node: string): Promise<void>;
  /** The client left `node` (nothing changes if it is connected to another node by now). */
  clearClientNode(clientId: string, node: string): Promise<void>;
  clientNode(clientId: string): Promise<string | undefined>;
  /** How many messages each client's session holds (queued, or sent and unacknowledged). */
  queueLengths(clientIds: string[]): Promise<number[]>;
}

const memberKey = (m: { topic: string; clientId: string }) => `${m.topic}\u0000${m.clientId}`;

/**
 * Everything a single node keeps in LevelDB, kept in the one Redis all nodes share: Aedes' sessions, queued and
 * retained messages and Wills (aedes-persistence-redis), the owners of sessions and the members of shared
 * subscriptions (hashes of our own); and the MQTT messages between the nodes (mqemitter-redis) and our own events.
 */
export async function openClusterStore(config: ClusterConfig, log: Logger): Promise<ClusterStore> {
  // While Redis is away a command waits for it (ioredis queues it) instead of failing after 20 retries: the stores'
  // fire-and-forget writes would otherwise end the process with unhandled rejections. The broker stalls, and goes on
  // when Redis is back.
  const connect = () => new Redis(config.redis_url, { lazyConnect: true, maxRetriesPerRequest: null });
  const connections = { db: connect(), pub: connect(), sub: connect(), mqPub: connect(), mqSub: connect() };
  const { db, pub, sub, mqPub, mqSub } = connections;
  try {
    await Promise.all(Object.values(connections).map((c) => c.connect()));
  } catch (err) {
    for (const c of Object.values(connections)) c.disconnect();
    throw new ClusterError(config.redis_url, `cannot connect: ${(err as Error).message}`, { cause: err });
  }
  for (const [name, conn] of Object.entries(connections)) {
    conn.on('error', (err: Error) => log.error({ connection: name, err: err.message }, 'cluster: Redis error'));
  }
  const bus = new ClusterBus(pub, sub, log);
  await bus.start();
  const mq = redisEmitter(mqSub, mqPub, log);
  const owners: OwnerStore = {
    entries: async function* () {
      for (const [clientId, value] of Object.entries(await db.hgetall(OWNERS))) {
        yield [clientId, (JSON.parse(value) as { owner: Owner }).owner] as [string, Owner];
      }
    },
    put: async (clientId, owner) => {
      await db.hset(OWNERS, clientId, JSON.stringify({ owner }));
    },
    del: async (clientId) => {
      await db.hdel(OWNERS, clientId);
    },
  };
  const shareMembers: MemberStore = {
    entries: async function* () {
      for (const value of Object.values(await db.hgetall(MEMBERS))) yield JSON.parse(value) as StoredMember;
    },
    put: async (member) => {
      await db.hset(MEMBERS, memberKey(member), JSON.stringify(member));
    },
    del: async (member) => {
      await db.hdel(MEMBERS, memberKey(member));
    },
  };
  const persistence = new AsyncRedisPersistence({ conn: db });
  retainedAsNodeStream(persistence);
  return {
    aedes: persistence,
    mq,
    bus,
    redisUrl: withoutPassword(config.redis_url),
    owners,
    shareMembers,
    claim: async (key, ttlMs) => (await db.set(CLAIM + key, '1', 'PX', ttlMs, 'NX')) === 'OK',
    release: async (key) => {
      await db.del(CLAIM + key);
    },
    setClientNode: async (clientId, node) => {
      await db.hset(CLIENT_NODES, clientId, node);
    },
    clearClientNode: async (clientId, node) => {
      if ((await db.hget(CLIENT_NODES, clientId)) === node) await db.hdel(CLIENT_NODES, clientId);
    },
    clientNode: async (clientId) => (await db.hget(CLIENT_NODES, clientId)) ?? undefined,
    queueLengths: async (clientIds) => {
      if (clientIds.length === 0) return [];
      const pipeline = db.pipeline();
      for (const clientId of clientIds) pipeline.llen(redisQueueKey(clientId));
      const results = (await pipeline.exec()) ?? [];
      return results.map(([err, length]) => {
        if (err) throw err;
        return Number(length);
      });
    },
    // Aedes has closed its mq by then.
    close: async () => {
      for (const c of Object.values(connections)) c.disconnect();
    },
  };
}
