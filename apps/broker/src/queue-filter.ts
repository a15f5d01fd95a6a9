/** The part of an Aedes persistence that holds the messages waiting for persistent-session clients. */
export interface OutgoingQueues {
  outgoingEnqueueCombi(subs: Array<{ clientId: string }> | undefined, packet: { topic: string }): Promise<unknown>;
  outgoingUpdate(client: { id: string }, packet: unknown): Promise<unknown>;
  outgoingClearMessageId(client: { id: string }, packet: unknown): Promise<unknown>;
}

export interface QueuePolicy {
  /** Whether the message may be queued for this client. */
  accept(clientId: string, topic: string): boolean;
  /** A message queued for this client was acknowledged (or discarded). */
  cleared(clientId: string): void;
}

/**
 * Puts `policy` in front of the store's queues. Aedes has no hook between "these persistent sessions match
 * the topic" and the write to their queues, so the two store methods are wrapped on the instance; this works
 * the same for the in-memory and the LevelDB persistence.
 *
 * Aedes dispatches a QoS1 message once its queue write is done, and writes it to an online persistent session
 * once the store has recorded its message id; LevelDB finishes writes out of order, so an agent's readings
 * reached their subscribers out of order. The writes still run side by side, but each reports done only after
 * those started before it: messages go out in the order they came in.
 */
export function filterQueues(persistence: OutgoingQueues, policy: QueuePolicy): void {
  const enqueue = persistence.outgoingEnqueueCombi.bind(persistence);
  const update = persistence.outgoingUpdate.bind(persistence);
  const clear = persistence.outgoingClearMessageId.bind(persistence);
  const enqueued = inOrder();
  const updated = inOrder();
  persistence.outgoingEnqueueCombi = (subs, packet) =>
    enqueued(
      enqueue(
        subs?.filter((sub) => policy.accept(sub.clientId, packet.topic)),
        packet,
      ),
    );
  persistence.outgoingUpdate = (client, packet) => updated(update(client, packet));
  persistence.outgoingClearMessageId = async (client, packet) => {
    const removed = await clear(client, packet);
    if (removed) policy.cleared(client.id);
    return removed;
  };
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
