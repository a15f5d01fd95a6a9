import type { GuardedDuplex } from './packet-guard.js';

/** The open connections' write buffers: how much the broker holds for clients that read slowly, or not at all. */
export class UnsentBytes {
  private readonly streams = new Set<GuardedDuplex>();

  track(stream: GuardedDuplex): void {
    this.streams.add(stream);
    stream.once('close', () => this.streams.delete(stream));
  }

  get total(): number {
    let sum = 0;
    for (const stream of this.streams) sum += stream.unsentBytes;
    return sum;
  }
}
