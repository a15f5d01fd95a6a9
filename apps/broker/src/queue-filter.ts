/** The part of an Aedes persistence that holds the messages waiting for persistent-session clients. */
export interface OutgoingQueues {
  outgoingEnqueueCombi(subs: Array<{ clientId: string }> | undefined, packet: { topic: string }): Promise<unknown>;
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
 */
export function filterQueues(persistence: OutgoingQueues, policy: QueuePolicy): void {
  const enqueue = persistence.outgoingEnqueueCombi.bind(persistence);
  const clear = persistence.outgoingClearMessageId.bind(persistence);
  persistence.outgoingEnqueueCombi = (subs, packet) =>
    enqueue(
      subs?.filter((sub) => policy.accept(sub.clientId, packet.topic)),
      packet,
    );
  persistence.outgoingClearMessageId = async (client, packet) => {
    const removed = await clear(client, packet);
    if (removed) policy.cleared(client.id);
    return removed;
  };
}
