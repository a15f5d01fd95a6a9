import type { Aedes, Client } from 'aedes';
import { type Deliver, replaceDuplicateRecord, wrapSubscribers } from './aedes-internals.js';

/**
 * Workaround for an Aedes 1.x bug: it dropped messages for connected clients.
 *
 * A client whose subscriptions overlap is offered each message once per matching subscription; Aedes keeps
 * one copy by remembering, per client, the highest broker counter delivered (`client.duplicates`) and
 * skipping anything not above it. But counters are handed out when publishing starts, and a QoS1 message is
 * dispatched only once the store has queued it for the persistent sessions (a LevelDB write), so messages
 * reach the dispatcher out of counter order, and whichever was overtaken was dropped: lost for a clean
 * session, held until the next connection for a persistent one (the sink worker). A client's Will is
 * numbered before the QoS0 `$SYS/.../disconnect/clients` message and dispatched after it, so a subscriber of
 * `$SYS/#` never got Wills.
 *
 * The copies of one message are offered within one synchronous dispatch (mqemitter calls every matching
 * subscription in a loop), so here a copy is a duplicate exactly when the same message was already delivered
 * to that client during the current dispatch. `install` wraps the broker's subscriptions once; `track` gives
 * a new client the exact dedupe.
 */
export class ExactDedupe {
  private current: object | undefined;
  private dispatch = 0;
  private depth = 0;
  private readonly wrapped = new WeakMap<Deliver, Deliver>();

  install(aedes: Aedes): void {
    wrapSubscribers(
      aedes,
      (deliver) => this.wrap(deliver),
      (deliver) => this.wrapped.get(deliver),
    );
  }

  private wrap(deliver: Deliver): Deliver {
    let wrapper = this.wrapped.get(deliver);
    if (!wrapper) {
      wrapper = (packet, done) => {
        if (packet !== this.current) {
          this.current = packet;
          this.dispatch++;
        }
        this.depth++;
        try {
          deliver(packet, done);
        } finally {
          this.depth--;
        }
      };
      this.wrapped.set(deliver, wrapper);
    }
    return wrapper;
  }

  track(client: Client): void {
    let delivered = -1;
    // Aedes reads `(duplicates[brokerId] || 0) < counter` to decide, then stores the counter.
    const duplicates = new Proxy(Object.create(null) as Record<string, number>, {
      get: () => (this.depth > 0 && delivered === this.dispatch ? Number.POSITIVE_INFINITY : 0),
      set: () => {
        delivered = this.depth > 0 ? this.dispatch : -1;
        return true;
      },
    });
    replaceDuplicateRecord(client, duplicates);
  }
}
