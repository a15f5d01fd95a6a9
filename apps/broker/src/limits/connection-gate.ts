import type { Socket } from 'node:net';
import { TokenBucket } from './token-bucket.js';

export interface ConnectionLimits {
  /** 0 = no limit. */
  maxConnections: number;
  /** New connections per second from one address; undefined = no limit. */
  perAddress: { perSecond: number; burst: number } | undefined;
}

export type RefusalReason = 'max_connections' | 'connection_rate';

// Buckets of addresses that went quiet are full again; forgetting them bounds the map under a scan.
const PRUNE_AT = 10_000;

/** Decides, for each new TCP connection before any TLS or MQTT work, whether it may proceed. */
export class ConnectionGate {
  private open = 0;
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(private readonly limits: ConnectionLimits) {}

  /** Counts the socket until it closes, or returns why it must be refused. */
  admit(socket: Socket): RefusalReason | undefined {
    const { maxConnections, perAddress } = this.limits;
    if (maxConnections > 0 && this.open >= maxConnections) return 'max_connections';
    if (perAddress) {
      const address = socket.remoteAddress ?? '';
      let bucket = this.buckets.get(address);
      if (!bucket) {
        if (this.buckets.size >= PRUNE_AT) this.prune();
        bucket = new TokenBucket(perAddress.perSecond, perAddress.burst);
        this.buckets.set(address, bucket);
      }
      if (!bucket.tryTake()) return 'connection_rate';
    }
    this.open++;
    socket.once('close', () => this.open--);
    return undefined;
  }

  get connections(): number {
    return this.open;
  }

  private prune(): void {
    for (const [address, bucket] of this.buckets) if (bucket.isIdle()) this.buckets.delete(address);
  }
}
