import { Readable } from 'node:stream';
import type { Aedes, Client } from 'aedes';
import type { Redis } from 'ioredis';
import mqemitterRedis from 'mqemitter-redis';
import type { Logger } from 'pino';

/**
 * The one place that touches Aedes' undocumented members, those of its persistence and of mqtt-packet's parser.
 * aedes and aedes-persistence-level are pinned to exact versions in package.json, and aedes-internals.test.ts
 * fails loudly, naming the member, when an upgrade changes what this file relies on:
 *
 * - `aedes.persistence`: the store instance Aedes uses; its queue methods `outgoingEnqueueCombi`,
 *   `outgoingUpdate`, `outgoingClearMessageId` are replaced on the instance (queue-filter.ts), and
 *   `cleanSubscriptions`, `outgoingEnqueueCombi`, `outgoingStream` are called directly; a message is taken out of a
 *   queue by giving it a messageId (`outgoingUpdate`) and clearing that id.
 * - `aedes.subscribe` / `aedes.unsubscribe`: replaced on the instance so every client's deliver function passes
 *   through a wrapper (aedes-dedupe-fix.ts).
 * - `client.duplicates`: Aedes reads `(duplicates[brokerId] || 0) < brokerCounter` before each delivery and then
 *   stores the counter; replaced by an object deciding exactly (aedes-dedupe-fix.ts).
 * - `client._parser` (mqtt-packet 9's parser): `_parseString`, `_list`, `_pos`, `_emitError`; `_parseString` is
 *   wrapped to see the raw bytes of each string (mqtt-strings-check.ts).
 * - `client.subscriptions[filter].qos`, `client.deliverQoS`, `client.deliver0`: what a client subscribed with, and
 *   its deliver functions, used to hand a shared subscription's message to one member (shared/); `client._nextId`,
 *   the next outgoing packet id, which QoSPacket takes unless the message already has one.
 * - mqemitter-redis' `MQEmitterRedisPrefix` (exported beside the default, not in its types or README): the cluster's
 *   MQTT messages travel on Redis channels `mqtt:<topic>`, so that no client's subscription (a `#` becomes the
 *   pattern `mqtt:*`) reaches the cluster's own channel; and its `state` emitter, which reports Redis errors.
 * - Aedes' `error` event (not in its types): emitted when publishing a dead broker's Wills fails; unheard, it ends the
 *   process.
 * - the persistence's `streamWill(brokers)` (the Wills of brokers not in `brokers`, which Aedes publishes as those of dead
 *   brokers) and `delWill({ id, brokerId })`: wrapped on the instance to drop a dead node's Will whose client is
 *   connected again elsewhere (`dropWillsOfReturnedClients`).
 * - aedes-persistence-redis (cluster mode): its `createRetainedStreamCombi` returns an async generator where Aedes
 *   1.2.0 calls `.pipe` (handlers/subscribe.js): made a Node stream on the instance (`retainedAsNodeStream`); sessions' queues are keyed by `brokerId:brokerCounter`, so a message
 *   queued again for another client needs an identity of its own (shared/); `outgoingClearMessageId` finds a message
 *   only through the messageId that this process gave it with `outgoingUpdate`.
 */

/** The exact versions these internals were checked against. */
export const AEDES_VERSIONS = {
  aedes: '1.2.0',
  'aedes-persistence': '11.0.0',
  'aedes-persistence-level': '9.2.0',
  'aedes-persistence-redis': '12.0.0',
  'mqemitter-redis': '7.2.1',
  'mqtt-packet': '9.0.2',
} as const;

/** A message as Aedes passes it around (aedes-packet). */
export interface AedesMessage {
  topic: string;
  qos: number;
  retain?: boolean;
  dup?: boolean;
  brokerId?: string;
  brokerCounter?: number;
  messageId?: number;
}

/** The part of an Aedes persistence that holds the messages waiting for persistent-session clients. */
export interface OutgoingQueues {
  outgoingEnqueueCombi(subs: Array<{ clientId: string }> | undefined, packet: AedesMessage): Promise<unknown>;
  outgoingUpdate(client: { id: string }, packet: AedesMessage): Promise<unknown>;
  outgoingClearMessageId(client: { id: string }, packet: AedesMessage): Promise<AedesMessage | undefined>;
}

interface Store extends OutgoingQueues {
  cleanSubscriptions(client: { id: string }): Promise<unknown>;
  outgoingStream(client: { id: string }): AsyncIterable<AedesMessage>;
}

export type Deliver = (packet: object, done: () => void) => void;
interface Subscriptions {
  subscribe(topic: string, deliver: Deliver, done?: () => void): void;
  unsubscribe(topic: string, deliver: Deliver, done?: () => void): void;
}

/** The part of mqtt-packet 9's parser (inside Aedes' client) that reads every UTF-8 string of a packet. */
interface StringParser {
  _list: { slice(start: number, end: number): Buffer };
  _pos: number;
  _parseString(): string | null;
  _emitError(err: Error): void;
}

interface ClientInternals {
  _nextId: number;
  duplicates: Record<string, number>;
  _parser: StringParser;
  subscriptions: Record<string, { qos: number } | undefined>;
  deliverQoS: Deliver;
  deliver0: Deliver;
}

const store = (aedes: Aedes) => (aedes as unknown as { persistence: Store }).persistence;
const clientInternals = (client: Client) => client as unknown as ClientInternals;

/** Drops the stored subscriptions of a persistent session. */
export async function forgetStoredSubscriptions(aedes: Aedes, clientId: string): Promise<void> {
  await store(aedes).cleanSubscriptions({ id: clientId });
}

/** Replaces the store's queue methods with `wrap(originals)`; the originals are bound to the store. */
export function wrapOutgoingQueues(aedes: Aedes, wrap: (original: OutgoingQueues) => OutgoingQueues): void {
  const s = store(aedes);
  const wrapped = wrap({
    outgoingEnqueueCombi: s.outgoingEnqueueCombi.bind(s),
    outgoingUpdate: s.outgoingUpdate.bind(s),
    outgoingClearMessageId: s.outgoingClearMessageId.bind(s),
  });
  s.outgoingEnqueueCombi = wrapped.outgoingEnqueueCombi;
  s.outgoingUpdate = wrapped.outgoingUpdate;
  s.outgoingClearMessageId = wrapped.outgoingClearMessageId;
}

/** Queues `packet` in the session of each client (through whatever wraps the store's queues). */
export function enqueueFor(aedes: Aedes, clientIds: string[], packet: AedesMessage): Promise<unknown> {
  return store(aedes).outgoingEnqueueCombi(
    clientIds.map((clientId) => ({ clientId })),
    packet,
  );
}

/** The messages queued in a persistent session (sent and unacknowledged ones carry their messageId). */
export function queuedFor(aedes: Aedes, clientId: string): AsyncIterable<AedesMessage> {
  return store(aedes).outgoingStream({ id: clientId });
}

/**
 * Takes a message out of a session's queue. The store removes by messageId, and one never sent has none yet (and
 * Redis' store finds one only by an id this process gave): it is given `unusedId` first (an id no other message of
 * that queue holds).
 */
export async function removeQueued(
  aedes: Aedes,
  clientId: string,
  packet: AedesMessage,
  unusedId: number,
): Promise<void> {
  const s = store(aedes);
  const client = { id: clientId };
  const messageId = unusedId;
  await s.outgoingUpdate(client, { ...packet, messageId });
  await s.outgoingClearMessageId(client, { ...packet, messageId });
}

/**
 * Passes every deliver function given to `aedes.subscribe` through `wrap` (and unsubscribes the wrapper);
 * `wrap` must return the same wrapper for the same function.
 */
export function wrapSubscribers(
  aedes: Aedes,
  wrap: (deliver: Deliver) => Deliver,
  wrapped: (deliver: Deliver) => Deliver | undefined,
): void {
  const broker = aedes as unknown as Subscriptions;
  const subscribe = broker.subscribe.bind(aedes);
  const unsubscribe = broker.unsubscribe.bind(aedes);
  broker.subscribe = (topic, deliver, done) => subscribe(topic, wrap(deliver), done);
  broker.unsubscribe = (topic, deliver, done) => unsubscribe(topic, wrapped(deliver) ?? deliver, done);
}

/** Replaces the client's duplicate record, which Aedes reads as `(record[brokerId] || 0) < brokerCounter`. */
export function replaceDuplicateRecord(client: Client, record: Record<string, number>): void {
  clientInternals(client).duplicates = record;
}

/**
 * Calls `check` with the raw bytes of every string the client's parser reads (after its length); an Error it
 * returns fails the packet as a parse error, which closes the connection.
 */
export function checkParsedStrings(client: Client, check: (bytes: Buffer) => Error | undefined): void {
  const parser = clientInternals(client)._parser;
  const parseString = parser._parseString;
  parser._parseString = function (this: StringParser) {
    const start = this._pos + 2; // after the length
    const value = parseString.call(this);
    if (value === null) return null;
    const problem = check(this._list.slice(start, this._pos));
    if (problem === undefined) return value;
    this._emitError(problem);
    return null;
  };
}

/** The QoS the client subscribed to `filter` with, if it did. */
export function subscribedQos(client: Client, filter: string): number | undefined {
  return clientInternals(client).subscriptions[filter]?.qos;
}

/** The topic filters the client is subscribed to (restored ones included once it is registered). */
export function subscribedFilters(client: Client): string[] {
  return Object.keys(clientInternals(client).subscriptions);
}

/**
 * Hands `packet` to the client as its own subscriptions would: QoS 0, or QoS>0 (for a persistent session only
 * after it is queued there, see `enqueueFor`). `done` once written or refused.
 */
export function deliverTo(client: Client, packet: AedesMessage, qos: number, done: () => void): void {
  const c = clientInternals(client);
  if (qos === 0) c.deliver0({ ...packet, qos: 0 }, done);
  else c.deliverQoS(packet, done);
}

/**
 * Takes the client's next outgoing packet id, as Aedes does when it writes a QoS>0 message (QoSPacket): a message
 * given to `deliverTo` with this id keeps it, so its PUBACK can be matched to it.
 */
export function nextMessageId(client: Client): number {
  const c = clientInternals(client);
  const id = c._nextId;
  c._nextId = id >= 65_535 ? 1 : id + 1;
  return id;
}

interface PrefixedEmitter {
  new (prefix: string, options: object): { state: { on(event: 'error', handler: (err: Error) => void): void } };
}

/** The prefix of the Redis channels that carry MQTT messages between the nodes of a cluster. */
export const MQTT_CHANNEL_PREFIX = 'mqtt:';

/**
 * For AedesOptions.mq in a cluster: every node's messages reach every node's subscribers, through Redis. The two
 * connections must be ready: one that subscribes before its ready check has run fails that check.
 */
export function redisEmitter(subConn: Redis, pubConn: Redis, log: Logger): unknown {
  const Prefixed = (mqemitterRedis as unknown as { MQEmitterRedisPrefix: PrefixedEmitter }).MQEmitterRedisPrefix;
  // As Aedes builds its own: no limit on concurrent deliveries (see broker.ts), and [MQTT-4.7.1-3].
  const mq = new Prefixed(MQTT_CHANNEL_PREFIX, { subConn, pubConn, concurrency: 0, matchEmptyLevels: true });
  mq.state.on('error', (err) => log.error({ err: err.message }, 'cluster: Redis error (messages between nodes)'));
  return mq;
}

/** Listens to the `error` event Aedes emits from its background work (its types name no such event). */
export function onBrokerError(aedes: Aedes, handler: (err: Error) => void): void {
  (aedes as unknown as NodeJS.EventEmitter).on('error', handler);
}

/** aedes-persistence-redis 12 gives retained messages as an async generator; Aedes 1.2.0 pipes them. */
export function retainedAsNodeStream(persistence: unknown): void {
  const p = persistence as { createRetainedStreamCombi(patterns: string[]): AsyncIterable<unknown> };
  const original = p.createRetainedStreamCombi.bind(p);
  p.createRetainedStreamCombi = (patterns) => Readable.from(original(patterns));
}

interface StoredWill {
  clientId: string;
  brokerId: string;
}
interface WillStore {
  streamWill(brokers: object): AsyncIterable<StoredWill>;
  delWill(client: { id: string; brokerId: string }): Promise<unknown>;
}

/**
 * Aedes publishes the Wills of a dead broker's clients some heartbeats after it died (streamWill). A client that has
 * connected to another node meanwhile is back: `isBack` says so, and its old Will is deleted instead of published
 * after its new connection's messages.
 */
export function dropWillsOfReturnedClients(persistence: unknown, isBack: (will: StoredWill) => Promise<boolean>): void {
  const p = persistence as WillStore;
  const streamWill = p.streamWill.bind(p);
  p.streamWill = async function* (brokers) {
    for await (const will of streamWill(brokers)) {
      if (await isBack(will)) await p.delWill({ id: will.clientId, brokerId: will.brokerId });
      else yield will;
    }
  };
}

/** aedes-persistence-redis' list of the messages queued for a client (sent and unacknowledged ones included). */
export function redisQueueKey(clientId: string): string {
  return `outgoing:${encodeURIComponent(clientId)}`;
}

/** The internal members this file uses that `aedes` or `client` lack: empty while Aedes still has them all. */
export function missingInternals(aedes: Aedes, client: Client): string[] {
  const missing: string[] = [];
  const need = (owner: string, object: unknown, names: string[], type: string) => {
    for (const name of names) {
      const value = (object as Record<string, unknown> | undefined)?.[name];
      if (typeof value !== type) missing.push(`${owner}.${name} (${type})`);
    }
  };
  const s = store(aedes);
  need('aedes', aedes, ['persistence'], 'object');
  need('aedes', aedes, ['subscribe', 'unsubscribe'], 'function');
  need(
    'aedes.persistence',
    s,
    ['outgoingEnqueueCombi', 'outgoingUpdate', 'outgoingClearMessageId', 'cleanSubscriptions', 'outgoingStream'],
    'function',
  );
  const c = clientInternals(client);
  need('client', c, ['duplicates', '_parser', 'subscriptions'], 'object');
  need('client', c, ['deliverQoS', 'deliver0'], 'function');
  need('client', c, ['_nextId'], 'number');
  need('client._parser', c._parser, ['_parseString', '_emitError'], 'function');
  need('client._parser', c._parser, ['_list'], 'object');
  return missing;
}
