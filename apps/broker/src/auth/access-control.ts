import { ClientAcl } from '@wattbus/mqtt/acl';
import type { AuthFiles } from './auth-files.js';
import type { ReservedClientIds } from './reserved-client-ids.js';
import type { Owner, SessionOwners } from './session-owners.js';

interface Compiled {
  generation: number;
  owner: Owner;
  acl: ClientAcl;
}

/** ACL decisions by client id, with each client's rules compiled once per ACL file version. */
export class AccessControl {
  private readonly compiled = new Map<string, Compiled>();

  constructor(
    private readonly files: AuthFiles,
    readonly owners: SessionOwners,
    private readonly reserved: ReservedClientIds,
  ) {}

  /** The user a client id is reserved for (auth.reserved_client_ids), if any. */
  reservedFor(clientId: string): string | undefined {
    return this.reserved.ownerOf(clientId, this.files.users);
  }

  get enforcing(): boolean {
    return this.files.acl !== undefined;
  }

  private aclOf(clientId: string, owner: Owner): ClientAcl {
    const acl = this.files.acl;
    const cached = this.compiled.get(clientId);
    if (acl === undefined) throw new Error('no ACL loaded');
    if (cached && cached.generation === this.files.generation && cached.owner === owner) return cached.acl;
    const compiled = ClientAcl.compile(acl, { username: owner ?? undefined, clientId });
    this.compiled.set(clientId, { generation: this.files.generation, owner, acl: compiled });
    return compiled;
  }

  /** For a client about to connect (its Will), before it owns its client id. */
  allowsIdentity(username: string | undefined, clientId: string, access: number, topic: string): boolean {
    const acl = this.files.acl;
    return acl === undefined || ClientAcl.compile(acl, { username, clientId }).allows(access, topic);
  }

  /** For a connected client; a client id nobody owns may do nothing. */
  allows(clientId: string, access: number, topic: string): boolean {
    if (this.files.acl === undefined) return true;
    const owner = this.owners.get(clientId);
    return owner !== undefined && this.aclOf(clientId, owner).allows(access, topic);
  }

  /**
   * For a message about to be queued for a persistent session. A session whose owner is unknown gets it:
   * delivery checks again, and dropping it could lose a message the owner may read.
   */
  mayQueue(clientId: string, access: number, topic: string): boolean {
    if (this.files.acl === undefined) return true;
    const owner = this.owners.get(clientId);
    return owner === undefined || this.aclOf(clientId, owner).allows(access, topic);
  }

  /** For a shared subscription of a connected client: whether the filter may bring it anything it may read. */
  mayReadSome(clientId: string, filter: string): boolean {
    if (this.files.acl === undefined) return true;
    const owner = this.owners.get(clientId);
    return owner !== undefined && this.aclOf(clientId, owner).mayReadSome(filter);
  }

  release(clientId: string, holder: object): void {
    this.owners.release(clientId, holder);
    if (this.owners.get(clientId) === undefined) this.compiled.delete(clientId);
  }
}
