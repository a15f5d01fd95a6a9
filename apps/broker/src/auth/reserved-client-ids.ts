/** The users of the password file and the ACL. */
export interface KnownUsers {
  has(name: string): boolean;
  readonly maxLength: number;
}

interface Pattern {
  prefix: string;
  suffix: string;
  /** The pattern ends with `*`: anything may follow the suffix. */
  open: boolean;
}

/** `%u` once, and optionally `*` at the very end; checked by the config schema. */
function compile(pattern: string): Pattern {
  const open = pattern.endsWith('*');
  const [prefix = '', suffix = ''] = (open ? pattern.slice(0, -1) : pattern).split('%u');
  return { prefix, suffix, open };
}

/**
 * Client ids that belong to a user whether or not a session holds them (auth.reserved_client_ids), so no other
 * user can take a service's id while the service is offline: with `%u-*`, `sink-worker-sites` is reserved for
 * the user `sink-worker`. An id several patterns or users match goes to the longest username.
 */
export class ReservedClientIds {
  private readonly patterns: Pattern[];

  constructor(patterns: readonly string[]) {
    this.patterns = patterns.map(compile);
  }

  /** The user `clientId` is reserved for, or undefined. */
  ownerOf(clientId: string, users: KnownUsers): string | undefined {
    let owner: string | undefined;
    for (const { prefix, suffix, open } of this.patterns) {
      if (!clientId.startsWith(prefix)) continue;
      const rest = clientId.slice(prefix.length);
      // Each split of the rest into <user><suffix>[anything, if open], longest user first; only as long as
      // the longest username, so a 64 kB client id costs no more than a short one.
      for (let end = Math.min(rest.length - suffix.length, users.maxLength); end > 0; end--) {
        const fits = rest.startsWith(suffix, end) && (open || end + suffix.length === rest.length);
        if (!fits) continue;
        const user = rest.slice(0, end);
        if (!users.has(user)) continue;
        if (user.length > (owner?.length ?? 0)) owner = user;
        break;
      }
    }
    return owner;
  }
}
