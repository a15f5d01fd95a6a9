/** Username that owns a client id's session; null for an anonymous client. */
export type Owner = string | null;

/** Where the owners of persistent sessions are kept, so they are still known after a restart. */
export interface OwnerStore {
  entries(): AsyncIterable<[string, Owner]>;
  put(clientId: string, owner: Owner): Promise<void>;
  del(clientId: string): Promise<void>;
}

/**
 * Which user each client id belongs to: the clients online now, and every persistent session (also while its
 * client is offline, which is when messages are queued for it and the queue must only get what that user
 * may read).
 */
export class SessionOwners {
  private readonly owners = new Map<string, Owner>();
  private readonly persistent = new Set<string>();
  /** The connection currently holding each client id: a takeover binds before the old one disconnects. */
  private readonly holders = new Map<string, object>();

  /** Cluster: told of every bind and release here, for the other nodes. */
  onChange: ((clientId: string, owner: Owner, persistent: boolean, released: boolean) => void) | undefined;

  constructor(private readonly store: OwnerStore | undefined) {}

  async load(): Promise<void> {
    if (!this.store) return;
    for await (const [clientId, owner] of this.store.entries()) {
      this.owners.set(clientId, owner);
      this.persistent.add(clientId);
    }
  }

  get(clientId: string): Owner | undefined {
    return this.owners.get(clientId);
  }

  async bind(clientId: string, owner: Owner, persistentSession: boolean, holder: object): Promise<void> {
    const changed = this.owners.get(clientId) !== owner;
    this.owners.set(clientId, owner);
    this.holders.set(clientId, holder);
    this.onChange?.(clientId, owner, persistentSession, false);
    if (persistentSession && (changed || !this.persistent.has(clientId))) {
      this.persistent.add(clientId);
      await this.store?.put(clientId, owner);
    } else if (!persistentSession && this.persistent.delete(clientId)) {
      await this.store?.del(clientId);
    }
  }

  /** The connection went away; a persistent session keeps its owner. */
  release(clientId: string, holder: object): void {
    if (this.holders.get(clientId) !== holder) return;
    this.holders.delete(clientId);
    if (this.persistent.has(clientId)) return;
    const owner = this.owners.get(clientId);
    this.owners.delete(clientId);
    if (owner !== undefined) this.onChange?.(clientId, owner, false, true);
  }

  /**
   * Cluster: another node bound (or released) the client id, and stored what must be stored. A connection here
   * under that id is being taken over: its release no longer ends the id's ownership.
   */
  applyRemote(clientId: string, owner: Owner, persistentSession: boolean, released: boolean): void {
    if (released) {
      if (!this.holders.has(clientId) && !this.persistent.has(clientId)) this.owners.delete(clientId);
      return;
    }
    this.holders.delete(clientId);
    this.owners.set(clientId, owner);
    if (persistentSession) this.persistent.add(clientId);
    else this.persistent.delete(clientId);
  }
}
