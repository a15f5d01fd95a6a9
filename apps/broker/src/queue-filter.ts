import type { Aedes } from 'aedes';
import { type AedesMessage, wrapOutgoingQueues } from './aedes-internals.js';
import type { SharedRoute } from './shared/shared-subscriptions.js';

export interface QueuePolicy {
  /** Whether the message may be queued for this client. */
  accept(clientId: string, topic: string): boolean;
  /** A message queued for this client was acknowledged (or discarded). */
  cleared(clientId: string): void;
  /** Any client's PUBACK (or discard) of `messageId`, queued for it or not (clean sessions queue nothing). */
  acknowledged(clientId: string, messageId: number | undefined): void;
  /** The shared subscriptions' part of a message being queued: their copies are queued with it, then delivered. */
  route(packet: AedesMessage): SharedRoute | undefined;
}

/**
 * Puts `policy` in front of the store's queues. Aedes has no hook between "these persistent sessions match
 * the topic" and the write to their queues, so the store's methods are wrapped on the instance; this works
 * the same for the in-memory and the LevelDB persistence.
 *
 * Aedes dispatches a QoS1 message once its queue write is done, and writes it to an online persistent session
 * once the store has recorded its message id; LevelDB finishes writes out of order, so an agent's readings
 * reached their subscribers out of order. The writes still run side by side, but each reports done only after
 * those started before it: messages go out in the order they came in. A message's copies for shared subscriptions
 * are queued in the same step, so a message is in its member's session whenever it is in the others' (Aedes 1.2.0
 * sends a QoS 1 PUBACK as the message arrives, before either).
 */
export function filterQueues(aedes: Aedes, policy: QueuePolicy): void {
  const enqueued = inOrder();
  const updated = inOrder();
  wrapOutgoingQueues(aedes, (store) => ({
    outgoingEnqueueCombi: async (subs, packet) => {
      const shared = policy.route(packet);
      const own = store.outgoingEnqueueCombi(
        subs?.filter((sub) => policy.accept(sub.clientId, packet.topic)),
        packet,
      );
      await enqueued(shared ? Promise.all([own, shared.queued]) : own);
      shared?.deliver();
    },
    outgoingUpdate: (client, packet) => updated(store.outgoingUpdate(client, packet)),
    outgoingClearMessageId: async (client, packet) => {
      const removed = await store.outgoingClearMessageId(client, packet);
      if (removed) policy.cleared(client.id);
      policy.acknowledged(client.id, packet.messageId);
      return removed;
    },
  }));
}

/** Settles each promise it is given only after every one given before it has settled. */
function inOrder(): <T>(work: Promise<T>) => Promise<T> {
  let previous: Promise<unknown> = Promise.resolve();
  return (work) => {
    work.catch(() => {}); // a failure is reported through `settled`, in its turn, not as unhandled meanwhile
    const settled = previous.then(() => work);
    previous = settled.catch(() => {});
    return settled;
  };
}
