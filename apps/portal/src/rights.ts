import { readFile, stat } from 'node:fs/promises';
import { type AclFile, ClientAcl, parseAcl, READ } from '@wattbus/mqtt/acl';
import type { Logger } from 'pino';
import type { GroupConfig } from './config.js';

export interface VisibleGroup {
  id: string;
  caption: string;
  sites: string[];
}

/**
 * What a user may see, decided by the broker's own ACL file: a site is visible iff the ACL grants the user
 * read access to `wattbus/v1/<site>/+/reading` (what the broker would deliver to the browser's subscription).
 * The file is re-read when its modification time or size changes; an edit that does not parse keeps the
 * previous version in force (and is logged), like the broker's SIGHUP reload.
 */
export class Rights {
  private acl: AclFile | undefined;
  private version = '';

  constructor(
    private readonly aclFile: string,
    private readonly groups: readonly GroupConfig[],
    private readonly log: Logger,
  ) {}

  /** Reads the file; throws if it cannot be read or parsed (at start, that stops the portal). */
  async load(): Promise<void> {
    const info = await stat(this.aclFile);
    const version = `${info.mtimeMs}:${info.size}`;
    if (version === this.version && this.acl !== undefined) return;
    this.acl = parseAcl(await readFile(this.aclFile, 'utf8'), this.aclFile);
    this.version = version;
  }

  private async current(): Promise<AclFile> {
    try {
      await this.load();
    } catch (err) {
      this.log.error({ err, file: this.aclFile }, 'ACL file not reloaded; the previous version stays in force');
    }
    if (this.acl === undefined) throw new Error('no ACL loaded');
    return this.acl;
  }

  /** The configured sites the user may read, in config order. */
  async sitesOf(username: string): Promise<Set<string>> {
    // The client id only matters for `%c` patterns; the portal's own marker never widens a pattern.
    const acl = ClientAcl.compile(await this.current(), { username, clientId: 'wattbus-portal' });
    const visible = new Set<string>();
    for (const group of this.groups) {
      for (const site of group.sites) {
        if (acl.allows(READ, `wattbus/v1/${site}/+/reading`)) visible.add(site);
      }
    }
    return visible;
  }

  /** The groups with only the user's sites; a group with none is left out. */
  async groupsOf(username: string): Promise<VisibleGroup[]> {
    const sites = await this.sitesOf(username);
    return this.groups
      .map((g) => ({ id: g.id, caption: g.caption, sites: g.sites.filter((s) => sites.has(s)) }))
      .filter((g) => g.sites.length > 0);
  }
}
