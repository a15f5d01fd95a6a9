/**
 * Counts the QoS>0 messages kept for each persistent-session client (queued while it is offline, plus sent
 * and not yet acknowledged) and refuses more than `maxPerClient`, like mosquitto's max_queued_messages.
 * Counts start at zero when the broker starts: messages already on disk from a previous run are not
 * counted (their acknowledgements are ignored).
 */
export class QueueLimiter {
  private readonly counts = new Map<string, number>();
  private readonly full = new Set<string>();
  private queued = 0;

  /** `onFull` is called when a client's queue starts refusing messages (once, until it has room again). */
  constructor(
    private readonly maxPerClient: number,
    private readonly onFull: (clientId: string) => void = () => {},
  ) {}

  /** Messages currently counted, over all clients. */
  get total(): number {
    return this.queued;
  }

  /** Messages counted for `clientId`. */
  count(clientId: string): number {
    return this.counts.get(clientId) ?? 0;
  }

  /** Whether `reserve` would take one more message for `clientId`. */
  hasRoom(clientId: string): boolean {
    return this.count(clientId) < this.maxPerClient;
  }

  /** Counts one more message for `clientId`, or returns false if its queue is full. */
  reserve(clientId: string): boolean {
    const count = this.counts.get(clientId) ?? 0;
    if (count >= this.maxPerClient) {
      if (!this.full.has(clientId)) {
        this.full.add(clientId);
        this.onFull(clientId);
      }
      return false;
    }
    this.counts.set(clientId, count + 1);
    this.queued++;
    return true;
  }

  /** The clients with messages counted. */
  clients(): string[] {
    return [...this.counts.keys()];
  }

  /**
   * Cluster: sets the count to the length of the client's queue in the shared store. The node that queues a message
   * counts it, and the node its client acknowledges it on releases it, so each node's counts drift from the truth.
   */
  reconcile(clientId: string, queued: number): void {
    const count = this.counts.get(clientId) ?? 0;
    this.queued += queued - count;
    if (queued > 0) this.counts.set(clientId, queued);
    else this.counts.delete(clientId);
    if (queued < this.maxPerClient) this.full.delete(clientId);
  }

  release(clientId: string): void {
    const count = this.counts.get(clientId);
    if (count === undefined) return;
    this.full.delete(clientId);
    this.queued--;
    if (count <= 1) this.counts.delete(clientId);
    else this.counts.set(clientId, count - 1);
  }
}
