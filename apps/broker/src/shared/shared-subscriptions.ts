import { randomUUID } from 'node:crypto';
import { compileFilter, topicMatches } from '@wattbus/mqtt/acl';
import type { Aedes, Client } from 'aedes';
import type { Logger } from 'pino';
import {
  type AedesMessage,
  deliverTo,
  enqueueFor,
  nextMessageId,
  queuedFor,
  removeQueued,
  subscribedFilters,
  subscribedQos,
} from '../aedes-internals.js';
import type { ShareCluster, ShareEvent } from './share-cluster.js';
import { fromWire, toWire } from './share-cluster.js';
import { parseShareTopic, SHARE_PREFIX } from './share-topic.js';

export interface SharePolicy {
  /** Whether the member may read this message (the ACL, as for any delivery). */
  mayRead(clientId: string, topic: string): boolean;
  /** Messages queued in the member's persistent session and not yet acknowledged: its load. */
  unacknowledged(clientId: string): number;
  /** Whether the member's session may queue one more message (limits.max_queued_messages). */
  hasRoom(clientId: string): boolean;
}

/** A member, as kept so that its group goes on queueing for it after a restart (and, in a cluster, on other nodes). */
export interface StoredMember {
  topic: string;
  clientId: string;
  qos: number;
  /** Cluster only (a single node keeps persistent members only): a clean-session member. */
  persistent?: boolean;
  /** Cluster only: the node the member is connected to, null while offline. */
  node?: string | null;
}

export interface MemberStore {
  entries(): AsyncIterable<StoredMember>;
  put(member: StoredMember): Promise<void>;
  del(member: { topic: string; clientId: string }): Promise<void>;
}

/** What a message routed to a group needs: queued (a persistent member's session) first, then written. */
export interface SharedRoute {
  queued: Promise<unknown>;
  deliver(): void;
}

interface Member {
  clientId: string;
  /** The member's connection when it is connected to this node. */
  client: Client | undefined;
  /** The node it is connected to (this one's id when `client` is set); undefined while it is offline. */
  node: string | undefined;
  persistent: boolean;
  qos: number;
  /** Messages handed to it since it joined: breaks ties between equally loaded members. */
  handed: number;
  /** A clean-session member's messages written and not yet acknowledged, by packet id (a session keeps none). */
  inFlight: Map<number, AedesMessage>;
  /** On another node: its unacknowledged messages as that node last reported, and what was handed to it since. */
  reported: number;
  handedSinceReport: number;
}

interface Group {
  topic: string;
  filter: string;
  matches: (topic: string) => boolean;
  members: Map<string, Member>;
  deliver: (packet: object, done: () => void) => void;
}

// mosquitto's rule for subscriptions starting with a wildcard: they never bring `$` topics.
const startsWithWildcard = (filter: string) => filter.startsWith('+') || filter.startsWith('#');
const MESSAGE_IDS = 65_535;
const MOVE_CLAIM_MS = 60_000;
const noop = () => {};

/**
 * `$share/{group}/{filter}` subscriptions, which Aedes does not have: each message of the filter goes to one member
 * of the group, the connected member with the fewest unacknowledged messages (ties: the one handed fewest), and
 * only to a member that may read it. With no member connected, a persistent member's session queues it.
 *
 * Aedes keeps the `$share/...` subscription itself, stored and restored with the session like any other, but it
 * never matches a published topic (publishing to `$share/` is refused). The node a message is published to routes
 * it: a QoS>0 message while Aedes queues it for the persistent sessions (`route`),
 * queued in the chosen member's session too when that member is persistent (under an identity of its own, as a
 * copy); a QoS 0 one when it is dispatched (the group subscribes to its filter). The copy is then written to the
 * member, by this node or, in a cluster, by the node the member is connected to (`deliver` event).
 *
 * A persistent member that disconnects leaves its unacknowledged and queued messages of the group in its session;
 * they are taken out and handed to the connected members (and when a member connects, whatever the disconnected
 * members' sessions hold goes to the connected ones); in a cluster one node at a time does so (a Redis claim),
 * also for the members of a node that died. A clean-session member's unacknowledged messages are kept by its node
 * until its PUBACK, and handed to the other members when it leaves.
 */
export class SharedSubscriptions {
  private readonly groups = new Map<string, Group>();
  /** Sessions being emptied into other members (`group topic` NUL `client id`): one pass at a time each. */
  private readonly moving = new Set<string>();
  /** The brokerId of the copies queued for members: a store keys queued messages by brokerId and brokerCounter. */
  private readonly copyId = `${randomUUID()}-share`;
  private copies = 0;

  constructor(
    private readonly aedes: Aedes,
    private readonly policy: SharePolicy,
    private readonly store: MemberStore | undefined,
    private readonly log: Logger,
    private readonly cluster?: ShareCluster,
  ) {
    aedes.on('client', (client) => this.connected(client));
    aedes.on('subscribe', (subs, client) => {
      // A refused subscription is reported with QoS 128 (0x80).
      for (const { topic, qos } of subs) if ((qos as number) !== 128) this.join(client, topic, qos);
    });
    aedes.on('unsubscribe', (topics, client) => {
      for (const topic of topics) this.leave(client.id, topic);
    });
    aedes.on('clientDisconnect', (client) => this.disconnected(client));
    cluster?.on((event) => this.onEvent(event));
  }

  private get node(): string {
    return this.cluster?.node ?? this.aedes.id;
  }

  /** The members of before a restart (or on the other nodes), offline until they connect: their groups queue for them. */
  async load(): Promise<void> {
    if (!this.store) return;
    for await (const { topic, clientId, qos, persistent = true, node } of this.store.entries()) {
      this.group(topic)?.members.set(
        clientId,
        newMember(clientId, undefined, this.cluster ? (node ?? undefined) : undefined, persistent, qos),
      );
    }
  }

  private group(topic: string): Group | undefined {
    const share = parseShareTopic(topic);
    if (share === undefined || share instanceof Error) return undefined;
    let group = this.groups.get(topic);
    if (!group) {
      const filter = compileFilter(share.filter);
      const created: Group = {
        topic,
        filter: share.filter,
        matches: (t) => topicMatches(filter, t),
        members: new Map(),
        deliver: (packet, done) => {
          const message = packet as AedesMessage;
          // QoS>0 messages are routed while they are queued; each node sees every message, its publisher's routes it.
          if (message.qos === 0 && message.brokerId === this.aedes.id) this.handOn(created, message, done);
          else done();
        },
      };
      group = created;
      this.groups.set(topic, group);
      this.aedes.subscribe(share.filter, group.deliver, noop);
    }
    return group;
  }

  private dropIfEmpty(group: Group): void {
    if (group.members.size > 0) return;
    this.groups.delete(group.topic);
    this.aedes.unsubscribe(group.filter, group.deliver, noop);
  }

  private join(client: Client, topic: string, qos: number): void {
    const group = this.group(topic);
    if (!group) return;
    const previous = group.members.get(client.id);
    const member = newMember(client.id, client, this.node, !client.clean, qos);
    member.handed = previous?.handed ?? 0;
    member.inFlight = previous?.inFlight ?? new Map();
    group.members.set(client.id, member);
    this.announce(group, member);
    this.log.info({ client: client.id, group: topic, members: group.members.size }, 'shared subscription joined');
  }

  /** Stores the member (a single node: persistent ones only) and tells the other nodes. */
  private announce(group: Group, member: Member): void {
    const { clientId, qos, persistent } = member;
    const node = member.node ?? null;
    if (this.cluster) {
      this.remember(this.store?.put({ topic: group.topic, clientId, qos, persistent, node }));
      this.cluster.send({ kind: 'member', topic: group.topic, clientId, qos, persistent, node });
    } else if (persistent) {
      this.remember(this.store?.put({ topic: group.topic, clientId, qos }));
    }
  }

  /** A PUBACK (or a discard) from `clientId`. */
  acknowledged(clientId: string, messageId: number | undefined): void {
    if (messageId === undefined) return;
    for (const group of this.groups.values()) group.members.get(clientId)?.inFlight.delete(messageId);
  }

  private leave(clientId: string, topic: string): Member | undefined {
    const group = this.groups.get(topic);
    const member = group?.members.get(clientId);
    if (!group || !member) return undefined;
    group.members.delete(clientId);
    if (member.persistent || this.cluster) this.remember(this.store?.del({ topic, clientId }));
    this.cluster?.send({ kind: 'left', topic, clientId });
    // A clean session that ends (its connection closed) leaves what it had not acknowledged to the others; after an
    // UNSUBSCRIBE the client may still acknowledge it.
    if (member.client?.closed) for (const message of member.inFlight.values()) this.handOn(group, message);
    this.dropIfEmpty(group);
    return member;
  }

  private connected(client: Client): void {
    // A clean session under a member's id ends the member's old session, and its subscriptions.
    const filters = new Set(subscribedFilters(client));
    for (const group of [...this.groups.values()]) {
      if (group.members.has(client.id) && !filters.has(group.topic)) this.leave(client.id, group.topic);
    }
    for (const topic of filters) {
      if (!topic.startsWith(SHARE_PREFIX)) continue;
      this.join(client, topic, subscribedQos(client, topic) ?? 0);
      const group = this.groups.get(topic);
      if (!group) continue;
      for (const member of group.members.values()) {
        if (member.node === undefined) this.redistribute(group, member.clientId);
      }
    }
  }

  private disconnected(client: Client): void {
    for (const group of [...this.groups.values()]) {
      const member = group.members.get(client.id);
      if (member?.client !== client) continue;
      if (!member.persistent) {
        this.leave(client.id, group.topic);
        continue;
      }
      member.client = undefined;
      member.node = undefined;
      this.announce(group, member);
      this.redistribute(group, client.id);
    }
  }

  private remember(write: Promise<void> | undefined): void {
    write?.catch((err: Error) => this.log.error({ err: err.message }, 'shared subscription: storing a member failed'));
  }

  /** What another node says. */
  private onEvent(event: ShareEvent & { from: string }): void {
    switch (event.kind) {
      case 'member':
        this.remoteMember(event);
        return;
      case 'left': {
        const group = this.groups.get(event.topic);
        const member = group?.members.get(event.clientId);
        if (!group || !member || member.client) return; // a member connected here is this node's to end
        group.members.delete(event.clientId);
        this.dropIfEmpty(group);
        return;
      }
      case 'loads':
        for (const [topic, clientId, unacknowledged] of event.loads) {
          const member = this.groups.get(topic)?.members.get(clientId);
          if (member && member.client === undefined) {
            member.reported = unacknowledged;
            member.handedSinceReport = 0;
          }
        }
        return;
      case 'deliver': {
        if (event.to !== this.node) return;
        const group = this.groups.get(event.topic);
        const member = group?.members.get(event.clientId);
        const message = fromWire(event.message);
        if (group && member?.client) this.write(member, message, event.qos, noop);
        // A persistent member's copy is queued in its session, where its next connection finds it; anything else
        // would be lost with the member gone: another member gets it.
        else if (group && !(event.qos > 0 && member?.persistent)) this.handOn(group, message);
      }
    }
  }

  private remoteMember(event: Extract<ShareEvent, { kind: 'member' }> & { from: string }): void {
    const group = this.group(event.topic);
    if (!group) return;
    const member = group.members.get(event.clientId);
    // That it went offline from a node it has already left (it connected elsewhere since) is old news.
    if (event.node === null && member?.node !== undefined && member.node !== event.from) return;
    if (member?.client && event.node === this.node) return;
    const updated = newMember(event.clientId, undefined, event.node ?? undefined, event.persistent, event.qos);
    updated.handed = member?.handed ?? 0;
    // A member here that connected elsewhere: Aedes closes it here, which is no longer its leaving.
    group.members.set(event.clientId, updated);
    if (event.node === null) this.redistribute(group, event.clientId);
  }

  /** Cluster: every heartbeat, the members of dead nodes go offline (or leave), and the loads of ours are told. */
  tick(): void {
    if (!this.cluster) return;
    const loads: Array<[string, string, number]> = [];
    for (const group of [...this.groups.values()]) {
      for (const member of [...group.members.values()]) {
        if (member.client) loads.push([group.topic, member.clientId, this.loadOf(member)]);
        else if (member.node !== undefined && !this.cluster.alive(member.node)) {
          this.log.warn(
            { client: member.clientId, group: group.topic, node: member.node },
            "shared subscription: member's node is dead",
          );
          if (member.persistent) {
            member.node = undefined;
            this.redistribute(group, member.clientId);
          } else {
            group.members.delete(member.clientId);
            this.dropIfEmpty(group);
          }
        }
      }
    }
    if (loads.length > 0) this.cluster.send({ kind: 'loads', loads });
  }

  /** The persistent members connected to this node. */
  localPersistentMembers(): string[] {
    return [...this.groups.values()].flatMap((g) =>
      [...g.members.values()].filter((m) => m.client && m.persistent).map((m) => m.clientId),
    );
  }

  private loadOf(member: Member): number {
    if (!member.client) return member.reported + member.handedSinceReport;
    return member.persistent ? this.policy.unacknowledged(member.clientId) : member.inFlight.size;
  }

  /** The member to hand `topic` to: connected ones first, the least loaded, then the one handed fewest. */
  private choose(group: Group, topic: string, qos: number): Member | undefined {
    if (topic.startsWith('$') && startsWithWildcard(group.filter)) return undefined;
    let best: Member | undefined;
    let bestLoad = 0;
    for (const member of group.members.values()) {
      const queues = Math.min(qos, member.qos) > 0 && member.persistent; // QoS 0 is never queued
      if (queues ? !this.policy.hasRoom(member.clientId) : member.node === undefined) continue;
      if (!this.policy.mayRead(member.clientId, topic)) continue;
      const load = this.loadOf(member);
      if (
        best === undefined ||
        (member.node !== undefined && best.node === undefined) ||
        ((member.node === undefined) === (best.node === undefined) &&
          (load < bestLoad || (load === bestLoad && member.handed < best.handed)))
      ) {
        best = member;
        bestLoad = load;
      }
    }
    return best;
  }

  /**
   * For a QoS>0 message being queued by the node it was published to (not for the copies queued here): one member
   * of each group whose filter matches, its copy queued when it is persistent, then delivered.
   */
  route(packet: AedesMessage): SharedRoute | undefined {
    if (packet.brokerId === this.copyId || this.groups.size === 0) return undefined;
    const routes: SharedRoute[] = [];
    for (const group of this.groups.values()) {
      if (!group.matches(packet.topic)) continue;
      const member = this.choose(group, packet.topic, packet.qos);
      if (member) routes.push(this.prepare(group, member, packet));
    }
    if (routes.length === 0) return undefined;
    return {
      queued: Promise.all(routes.map((r) => r.queued)),
      deliver: () => {
        for (const r of routes) r.deliver();
      },
    };
  }

  /** Hands `packet` to a member of the group now: queued first, then written. */
  private handOn(group: Group, packet: AedesMessage, done: () => void = noop): void {
    const member = this.choose(group, packet.topic, packet.qos);
    if (!member) {
      done();
      return;
    }
    const { queued, deliver } = this.prepare(group, member, packet, done);
    // Outside mqemitter's synchronous dispatch, where the dedupe fix would take it for a copy of the same message.
    queued.then(
      () => setImmediate(deliver),
      (err: Error) => {
        this.log.error({ client: member.clientId, err: err.message }, 'shared subscription: queueing failed');
        done();
      },
    );
  }

  /** As Aedes hands a message to one of its own subscriptions: queued first for a persistent session. */
  private prepare(group: Group, member: Member, packet: AedesMessage, done: () => void = noop): SharedRoute {
    member.handed++;
    member.handedSinceReport++;
    const qos = Math.min(packet.qos, member.qos);
    const message: AedesMessage = { ...packet, retain: false, dup: false, messageId: undefined };
    const queues = qos > 0 && member.persistent;
    if (queues) {
      message.brokerId = this.copyId;
      message.brokerCounter = ++this.copies;
    }
    return {
      queued: queues ? enqueueFor(this.aedes, [member.clientId], message) : Promise.resolve(),
      deliver: () => this.send(group, member, message, qos, done),
    };
  }

  private send(group: Group, member: Member, message: AedesMessage, qos: number, done: () => void): void {
    if (member.client) {
      this.write(member, message, qos, done);
      return;
    }
    if (this.cluster && member.node !== undefined && member.node !== this.node) {
      this.cluster.send({
        kind: 'deliver',
        to: member.node,
        topic: group.topic,
        clientId: member.clientId,
        qos,
        message: toWire(message),
      });
    }
    done();
  }

  private write(member: Member, message: AedesMessage, qos: number, done: () => void): void {
    const client = member.client;
    if (client === undefined || client.closed) {
      done();
      return;
    }
    if (qos === 0 || member.persistent) {
      deliverTo(client, message, qos, done);
      return;
    }
    const messageId = nextMessageId(client);
    member.inFlight.set(messageId, message);
    deliverTo(client, { ...message, messageId }, qos, done);
  }

  /** Hands what the disconnected member's session holds for the group to the connected members. */
  private redistribute(group: Group, fromClientId: string): void {
    const connected = [...group.members.values()].some((m) => m.node !== undefined);
    const key = `${group.topic}\u0000${fromClientId}`;
    if (!connected || this.aedes.closed || this.moving.has(key)) return;
    this.moving.add(key);
    const cluster = this.cluster;
    const pass = async () => {
      // In a cluster one node at a time; the others leave it to that one.
      if (cluster && !(await cluster.claim(`share-move:${key}`, MOVE_CLAIM_MS))) return;
      try {
        await this.move(group, fromClientId);
      } finally {
        await cluster?.release(`share-move:${key}`);
      }
    };
    pass()
      .catch((err: Error) =>
        this.log.error(
          { client: fromClientId, group: group.topic, err: err.message },
          'shared subscription: redelivery failed',
        ),
      )
      .finally(() => this.moving.delete(key));
  }

  private async move(group: Group, fromClientId: string): Promise<void> {
    const queued: AedesMessage[] = [];
    for await (const packet of queuedFor(this.aedes, fromClientId)) queued.push(packet);
    const used = new Set(queued.map((p) => p.messageId));
    let nextId = 1;
    const unusedId = () => {
      while (used.has(nextId) && nextId < MESSAGE_IDS) nextId++;
      used.add(nextId);
      return nextId;
    };
    let moved = 0;
    for (const packet of queued) {
      if (!group.matches(packet.topic)) continue;
      const from = group.members.get(fromClientId);
      if (from?.node !== undefined) break; // it came back: the rest is its own again
      const target = this.choose(group, packet.topic, packet.qos);
      if (target?.node === undefined || this.aedes.closed) break;
      await new Promise<void>((resolve) => {
        const { queued: copied, deliver } = this.prepare(group, target, packet, resolve);
        copied.then(deliver, (err: Error) => {
          this.log.error({ client: target.clientId, err: err.message }, 'shared subscription: queueing failed');
          resolve();
        });
      });
      // Taken out only once the other member has it queued: a crash in between repeats it, and loses nothing.
      await removeQueued(this.aedes, fromClientId, packet, unusedId());
      moved++;
    }
    if (moved > 0)
      this.log.info(
        { from: fromClientId, group: group.topic, moved },
        'shared subscription: redelivered to other members',
      );
  }
}

function newMember(
  clientId: string,
  client: Client | undefined,
  node: string | undefined,
  persistent: boolean,
  qos: number,
): Member {
  return { clientId, client, node, persistent, qos, handed: 0, inFlight: new Map(), reported: 0, handedSinceReport: 0 };
}
