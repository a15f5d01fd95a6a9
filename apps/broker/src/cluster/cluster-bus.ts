import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { ShareEvent } from '../shared/share-cluster.js';

// MQTT topic names cannot hold U+0000 and Aedes' own channels all start with the prefix of redisEmitter(), so no
// client can publish on this channel nor subscribe to it.
const CHANNEL = 'wattbus\u0000cluster';

/** What the nodes of a cluster tell each other, beside the MQTT messages themselves. */
export type ClusterEvent = { from: string } & (
  | { kind: 'alive' }
  | { kind: 'owner'; clientId: string; owner: string | null; persistent: boolean; released: boolean }
  | ShareEvent
);

/** Redis pub/sub between the nodes, on two connections of its own. */
export class ClusterBus {
  private readonly handlers: Array<(event: ClusterEvent) => void> = [];

  constructor(
    private readonly pub: Redis,
    private readonly sub: Redis,
    private readonly log: Logger,
  ) {
    sub.on('message', (_channel: string, text: string) => {
      let event: ClusterEvent;
      try {
        event = JSON.parse(text) as ClusterEvent;
      } catch (err) {
        this.log.error({ err: (err as Error).message }, 'cluster: unreadable event');
        return;
      }
      for (const handler of this.handlers) handler(event);
    });
  }

  async start(): Promise<void> {
    await this.sub.subscribe(CHANNEL);
  }

  on(handler: (event: ClusterEvent) => void): void {
    this.handlers.push(handler);
  }

  send(event: ClusterEvent): void {
    this.pub.publish(CHANNEL, JSON.stringify(event)).catch((err: Error) => {
      this.log.error({ kind: event.kind, err: err.message }, 'cluster: sending an event failed');
    });
  }
}
