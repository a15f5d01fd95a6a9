import { type AclEntry, type AclFile, DENY, READ as READ_ACCESS } from './acl-file.js';
import { type CompiledFilter, compileFilter, filterCovers, filtersOverlap, topicMatches } from './topic-match.js';

export interface Identity {
  /** undefined for anonymous clients. */
  username: string | undefined;
  clientId: string;
}

interface Rule {
  filter: CompiledFilter;
  access: number;
}

/** mosquitto checks every deny of a list before its grants. */
function denyFirst(entries: readonly AclEntry[], rewrite = (filter: string) => filter): Rule[] {
  const rules = entries.map((e) => ({ filter: compileFilter(rewrite(e.filter)), access: e.access }));
  return [...rules.filter((r) => r.access === DENY), ...rules.filter((r) => r.access !== DENY)];
}

/** undefined: no rule of the list matched with a verdict, go on to the next list. */
function decide(rules: readonly Rule[], access: number, topic: string): boolean | undefined {
  for (const rule of rules) {
    if (!topicMatches(rule.filter, topic)) continue;
    if (rule.access === DENY) return false;
    if (rule.access & access) return true;
  }
  return undefined;
}

/** Like `decide`, for a whole filter: a deny covering all of it, or a grant of `access` to some of it. */
function decideFilter(rules: readonly Rule[], access: number, filter: CompiledFilter): boolean | undefined {
  for (const rule of rules) {
    if (
      rule.access === DENY
        ? filterCovers(rule.filter, filter)
        : rule.access & access && filtersOverlap(rule.filter, filter)
    ) {
      return rule.access !== DENY;
    }
  }
  return undefined;
}

/**
 * The ACL as it applies to one connected client, evaluated like mosquitto 2.0's default ACL check:
 * first the client's own list (its `user` block, or the anonymous lines), then the patterns with `%u` and
 * `%c` substituted; in each list denies win over grants; nothing matching means denied.
 */
export class ClientAcl {
  private constructor(
    private readonly own: readonly Rule[],
    private readonly patterns: readonly Rule[],
    private readonly patternsRefused: boolean,
  ) {}

  static compile(acl: AclFile, who: Identity): ClientAcl {
    const { username, clientId } = who;
    const own = denyFirst(username === undefined ? acl.anonymous : (acl.users.get(username) ?? []));
    // A `+` or `#` in a substituted name would widen the pattern, so mosquitto refuses such clients every
    // pattern grant.
    const dangerous = /[+#]/.test(username ?? '') || /[+#]/.test(clientId);
    const applicable = acl.patterns.filter((p) => username !== undefined || !p.filter.includes('%u'));
    const patterns = denyFirst(applicable, (filter) =>
      filter.replace(/%[cu]/g, (m) => (m === '%c' ? clientId : (username as string))),
    );
    return new ClientAcl(own, patterns, acl.patterns.length > 0 && dangerous);
  }

  allows(access: number, topic: string): boolean {
    const verdict = decide(this.own, access, topic);
    if (verdict !== undefined) return verdict;
    if (this.patternsRefused) return false;
    return decide(this.patterns, access, topic) ?? false;
  }

  /**
   * Whether the client may read anything a subscription to `filter` would bring (checked for shared
   * subscriptions, where a member that may not read a message must not be handed it). Each message is still
   * checked with `allows`.
   */
  mayReadSome(filter: string): boolean {
    const compiled = compileFilter(filter);
    const verdict = decideFilter(this.own, READ_ACCESS, compiled);
    if (verdict !== undefined) return verdict;
    if (this.patternsRefused) return false;
    return decideFilter(this.patterns, READ_ACCESS, compiled) ?? false;
  }
}
