import { type AclFile, loadAcl } from '@wattbus/mqtt/acl';
import { loadPasswordFile, type PasswordTable } from '@wattbus/mqtt/passwords';
import type { KnownUsers } from './reserved-client-ids.js';

export interface AuthFilePaths {
  passwordFile: string | undefined;
  aclFile: string | undefined;
}

/**
 * The password table and ACL currently in force. `load()` reads both files and swaps them in together, or
 * throws and keeps the previous ones (a broken edit does not lock everybody out). `generation` changes on
 * every swap, so connected clients know to recompile their ACL.
 */
export class AuthFiles {
  passwords: PasswordTable | undefined;
  acl: AclFile | undefined;
  /** The usernames of the password file and of the ACL's `user` blocks. */
  users: KnownUsers = { has: () => false, maxLength: 0 };
  generation = 0;

  constructor(readonly paths: AuthFilePaths) {}

  async load(): Promise<void> {
    const { passwordFile, aclFile } = this.paths;
    const [passwords, acl] = await Promise.all([
      passwordFile === undefined ? undefined : loadPasswordFile(passwordFile),
      aclFile === undefined ? undefined : loadAcl(aclFile),
    ]);
    this.passwords = passwords;
    this.acl = acl;
    const names = new Set([...(passwords?.users.keys() ?? []), ...(acl?.users.keys() ?? [])]);
    let maxLength = 0;
    for (const name of names) maxLength = Math.max(maxLength, name.length);
    this.users = { has: (name) => names.has(name), maxLength };
    this.generation++;
  }
}
