import { randomBytes } from 'node:crypto';

export interface Session {
  id: string;
  username: string;
  expires: number;
}

/**
 * Server-side sessions in memory: the cookie carries only a random id (256 bits). A session ends at its
 * expiry (not renewed by use, so a stolen id has a bounded life), at logout, or when the portal restarts.
 */
export class Sessions {
  private readonly byId = new Map<string, Session>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  create(username: string): Session {
    this.sweep();
    const session = { id: randomBytes(32).toString('base64url'), username, expires: this.now() + this.ttlMs };
    this.byId.set(session.id, session);
    return session;
  }

  get(id: string | undefined): Session | undefined {
    if (id === undefined) return undefined;
    const session = this.byId.get(id);
    if (session === undefined) return undefined;
    if (session.expires <= this.now()) {
      this.byId.delete(id);
      return undefined;
    }
    return session;
  }

  delete(id: string | undefined): void {
    if (id !== undefined) this.byId.delete(id);
  }

  get size(): number {
    return this.byId.size;
  }

  private sweep(): void {
    const now = this.now();
    for (const [id, s] of this.byId) if (s.expires <= now) this.byId.delete(id);
  }
}
