import type { ShareCluster, ShareEvent } from '../shared/share-cluster.js';
import type { ClusterEvent } from './cluster-bus.js';
import type { ClusterStore } from './redis-store.js';

const SHARE_KINDS = new Set<ClusterEvent['kind']>(['member', 'left', 'deliver', 'loads']);
/** Heartbeats a node may miss before the others take it for dead. */
const MISSED_HEARTBEATS = 3;

/** This node among the others: its heartbeat, who else is alive, and the events of shared subscriptions. */
export class ClusterNode implements ShareCluster {
  private readonly lastSeen = new Map<string, number>();
  private readonly started = Date.now();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly node: string,
    private readonly store: ClusterStore,
    private readonly heartbeatMs: number,
  ) {
    store.bus.on((event) => this.lastSeen.set(event.from, Date.now()));
  }

  /** Sends a heartbeat now and every heartbeat_ms, each followed by `tick`. */
  start(tick: () => void): void {
    this.store.bus.send({ kind: 'alive', from: this.node });
    this.timer = setInterval(() => {
      this.store.bus.send({ kind: 'alive', from: this.node });
      tick();
    }, this.heartbeatMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  alive(node: string): boolean {
    if (node === this.node) return true;
    // A node not heard from since this one started gets the same grace as one just heard from.
    const seen = this.lastSeen.get(node) ?? this.started;
    return Date.now() - seen < MISSED_HEARTBEATS * this.heartbeatMs;
  }

  send(event: ShareEvent): void {
    this.store.bus.send({ ...event, from: this.node });
  }

  on(handler: (event: ShareEvent & { from: string }) => void): void {
    this.store.bus.on((event) => {
      if (event.from !== this.node && SHARE_KINDS.has(event.kind)) handler(event as ShareEvent & { from: string });
    });
  }

  /** The session owners other nodes bind and release. */
  onOwner(handler: (event: Extract<ClusterEvent, { kind: 'owner' }>) => void): void {
    this.store.bus.on((event) => {
      if (event.from !== this.node && event.kind === 'owner') handler(event);
    });
  }

  sendOwner(clientId: string, owner: string | null, persistent: boolean, released: boolean): void {
    this.store.bus.send({ kind: 'owner', from: this.node, clientId, owner, persistent, released });
  }

  claim(key: string, ttlMs: number): Promise<boolean> {
    return this.store.claim(key, ttlMs);
  }

  release(key: string): Promise<void> {
    return this.store.release(key);
  }
}
