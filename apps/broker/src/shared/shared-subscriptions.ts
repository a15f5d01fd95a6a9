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
import { parseShareTopic, SHARE_PREFIX } from './share-topic.js';

export interface SharePolicy {
  /** Whether the member may read this message (the ACL, as for any delivery). */
  mayRead(clientId: string, topic: string): boolean;
  /** Messages queued in the member's persistent session and not yet acknowledged: its load. */
  unacknowledged(clientId: string): number;
  /** Whether the member's session may queue one more message (limits.max_queued_messages). */
  hasRoom(clientId: string): boolean;
}

/** A persistent member, as kept so that its group goes on queueing for it after a restart. */
export interface StoredMember {
  topic: string;
  clientId: string;
  qos: number;
}

export interface MemberStore {
  entries(): AsyncIterable<StoredMember>;
  put(member: StoredMember): Promise<void>;
  del(member: { topic: string; clientId: string }): Promise<void>;
}

interface Member {
  clientId: string;
  /** undefined while a persistent member is disconnected. */
  client: Client | undefined;
  persistent: boolean;
  qos: number;
  /** Messages handed to it since it joined: breaks ties between equally loaded members. */
  handed: number;
  /** A clean-session member's messages written and not yet acknowledged, by packet id (a session keeps none). */
  inFlight: Map<number, AedesMessage>;
}

interface Group {
  topic: string;
  filter: string;
  members: Map<string, Member>;
  deliver: (packet: object, done: () => void) => void;
}

// mosquitto's rule for subscriptions starting with a wildcard: they never bring `$` topics.
const startsWithWildcard = (filter: string) => filter.startsWith('+') || filter.startsWith('#');
const MESSAGE_IDS = 65_535;

/**
 * `$share/{group}/{filter}` subscriptions, which Aedes does not have: each message of the filter goes to one member
 * of the group, the connected member with the fewest unacknowledged messages (ties: the one handed fewest), and
 * only to a member that may read it. With no member connected, a persistent member's session queues it.
 *
 * Aedes keeps the `$share/...` subscription itself, stored and restored with the session like any other, but it
 * never matches a published topic (publishing to `$share/` is refused). The group subscribes to the filter once,
 * and hands each message to the chosen member the way Aedes does for its own subscriptions: queued in its session
 * first when it is persistent, then written.
 *
 * A persistent member that disconnects leaves its unacknowledged and queued messages of the group in its session;
 * they are taken out and handed to the connected members (and when a member connects, whatever the disconnected
 * members' sessions hold goes to the connected ones). A clean-session member's unacknowledged messages are kept here
 * until its PUBACK, and handed to the other members when it leaves.
 */
export class SharedSubscriptions {
  private readonly groups = new Map<string, Group>();
  /** Sessions being emptied into other members (`group topic` NUL `client id`): one pass at a time each. */
  private readonly moving = new Set<string>();

  constructor(
    private readonly aedes: Aedes,
    private readonly policy: SharePolicy,
    private readonly store: MemberStore | undefined,
    private readonly log: Logger,
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
  }

  /** The persistent members of before a restart, offline until they connect: their groups queue for them. */
  async load(): Promise<void> {
    if (!this.store) return;
    for await (const { topic, clientId, qos } of this.store.entries()) {
      const group = this.group(topic);
      group?.members.set(clientId, {
        clientId,
        client: undefined,
        persistent: true,
        qos,
        handed: 0,
        inFlight: new Map(),
      });
    }
  }

  private group(topic: string): Group | undefined {
    const share = parseShareTopic(topic);
    if (share === undefined || share instanceof Error) return undefined;
    let group = this.groups.get(topic);
    if (!group) {
      const created: Group = {
        topic,
        filter: share.filter,
        members: new Map(),
        deliver: (packet, done) => this.dispatch(created, packet as AedesMessage, done),
      };
      group = created;
      this.groups.set(topic, group);
      this.aedes.subscribe(share.filter, group.deliver, () => {});
    }
    return group;
  }

  private join(client: Client, topic: string, qos: number): void {
    const group = this.group(topic);
    if (!group) return;
    const previous = group.members.get(client.id);
    group.members.set(client.id, {
      clientId: client.id,
      client,
      persistent: !client.clean,
      qos,
      handed: previous?.handed ?? 0,
      inFlight: previous?.inFlight ?? new Map(),
    });
    if (!client.clean) this.remember(this.store?.put({ topic, clientId: client.id, qos }));
    this.log.info({ client: client.id, group: topic, members: group.members.size }, 'shared subscription joined');
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
    if (member.persistent) this.remember(this.store?.del({ topic, clientId }));
    // A clean session that ends (its connection closed) leaves what it had not acknowledged to the others; after an
    // UNSUBSCRIBE the client may still acknowledge it.
    if (member.client?.closed) for (const message of member.inFlight.values()) this.dispatch(group, message, () => {});
    if (group.members.size === 0) {
      this.groups.delete(topic);
      this.aedes.unsubscribe(group.filter, group.deliver, () => {});
    }
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
        if (member.client === undefined) this.redistribute(group, member.clientId);
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
      this.redistribute(group, client.id);
    }
  }

  private remember(write: Promise<void> | undefined): void {
    write?.catch((err: Error) => this.log.error({ err: err.message }, 'shared subscription: storing a member failed'));
  }

  /** The member to hand `topic` to: connected ones first, the least loaded, then the one handed fewest. */
  private choose(group: Group, topic: string, qos: number): Member | undefined {
    let best: Member | undefined;
    let bestLoad = 0;
    for (const member of group.members.values()) {
      const queues = Math.min(qos, member.qos) > 0 && member.persistent; // QoS 0 is never queued
      if (queues ? !this.policy.hasRoom(member.clientId) : member.client === undefined) continue;
      if (!this.policy.mayRead(member.clientId, topic)) continue;
      const load = member.persistent ? this.policy.unacknowledged(member.clientId) : member.inFlight.size;
      if (
        best === undefined ||
        (member.client !== undefined && best.client === undefined) ||
        ((member.client === undefined) === (best.client === undefined) &&
          (load < bestLoad || (load === bestLoad && member.handed < best.handed)))
      ) {
        best = member;
        bestLoad = load;
      }
    }
    return best;
  }

  private dispatch(group: Group, packet: AedesMessage, done: () => void): void {
    const member =
      packet.topic.startsWith('$') && startsWithWildcard(group.filter)
        ? undefined
        : this.choose(group, packet.topic, packet.qos);
    if (member) this.handTo(member, packet, done);
    else done();
  }

  /** As Aedes hands a message to one of its own subscriptions: queued first for a persistent session. */
  private handTo(member: Member, packet: AedesMessage, done: () => void): void {
    member.handed++;
    const qos = Math.min(packet.qos, member.qos);
    const message: AedesMessage = { ...packet, retain: false, dup: false, messageId: undefined };
    const write = () => {
      const client = member.client;
      if (client === undefined || client.closed) return done();
      if (qos === 0 || member.persistent) return deliverTo(client, message, qos, done);
      const messageId = nextMessageId(client);
      member.inFlight.set(messageId, message);
      deliverTo(client, { ...message, messageId }, qos, done);
    };
    if (qos === 0 || !member.persistent) {
      // Outside mqemitter's synchronous dispatch, where the dedupe fix would take it for a copy of the same message.
      setImmediate(write);
      return;
    }
    enqueueFor(this.aedes, [member.clientId], message).then(write, (err: Error) => {
      this.log.error({ client: member.clientId, err: err.message }, 'shared subscription: queueing failed');
      done();
    });
  }

  /** Hands what the disconnected member's session holds for the group to the connected members. */
  private redistribute(group: Group, fromClientId: string): void {
    const connected = [...group.members.values()].some((m) => m.client !== undefined);
    const key = `${group.topic}\u0000${fromClientId}`;
    if (!connected || this.aedes.closed || this.moving.has(key)) return;
    this.moving.add(key);
    this.move(group, fromClientId)
      .catch((err: Error) =>
        this.log.error(
          { client: fromClientId, group: group.topic, err: err.message },
          'shared subscription: redelivery failed',
        ),
      )
      .finally(() => this.moving.delete(key));
  }

  private async move(group: Group, fromClientId: string): Promise<void> {
    const filter = compileFilter(group.filter);
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
      if (!topicMatches(filter, packet.topic)) continue;
      const from = group.members.get(fromClientId);
      if (from?.client !== undefined) break; // it came back: the rest is its own again
      const target = this.choose(group, packet.topic, packet.qos);
      if (target?.client === undefined || this.aedes.closed) break;
      await new Promise<void>((resolve) => this.handTo(target, packet, resolve));
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
