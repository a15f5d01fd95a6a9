import { stat } from 'node:fs/promises';
import { filters } from '@wattbus/contract';
import { type AclFile, ClientAcl, loadAcl, READ } from '@wattbus/mqtt/acl';
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
    this.acl = await loadAcl(this.aclFile);
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
    const mayRead = await this.readerFor(username);
    return new Set(this.groups.flatMap((g) => g.sites).filter(mayRead));
  }

  /** Whether the user may see this site: one of the configured sites, readable under the ACL. */
  async canSee(username: string, site: string): Promise<boolean> {
    return this.groups.some((g) => g.sites.includes(site)) && (await this.readerFor(username))(site);
  }

  private async readerFor(username: string): Promise<(site: string) => boolean> {
    // The client id only matters for `%c` patterns; the portal's own marker never widens a pattern.
    const acl = ClientAcl.compile(await this.current(), { username, clientId: 'wattbus-portal' });
    return (site) => acl.allows(READ, filters.siteReadings(site));
  }

  /** The groups with only the user's sites; a group with none is left out. */
  async groupsOf(username: string): Promise<VisibleGroup[]> {
    const sites = await this.sitesOf(username);
    return this.groups
      .map((g) => ({ id: g.id, caption: g.caption, sites: g.sites.filter((s) => sites.has(s)) }))
      .filter((g) => g.sites.length > 0);
  }
}
