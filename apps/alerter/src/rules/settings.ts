/** One entry of `overrides:` for one rule: where it applies (an absent key: everywhere) and what it sets. */
export interface ScopedPatch<V> {
  site?: string;
  meter?: string;
  channel?: string;
  patch: Partial<V>;
}

/**
 * One rule's settings for each channel: its `rules:` section with every matching override applied in order, later
 * ones winning. Resolved once per channel and cached, since this is on the path of every reading.
 */
export class SettingsResolver<V extends object> {
  private readonly cache = new Map<string, V>();

  constructor(
    private readonly defaults: V,
    private readonly patches: readonly ScopedPatch<V>[] = [],
  ) {}

  for(site: string, meter: string, channel: string): V {
    if (this.patches.length === 0) return this.defaults;
    const key = `${site}/${meter}/${channel}`;
    let s = this.cache.get(key);
    if (s === undefined) {
      s = this.resolve(site, meter, channel);
      this.cache.set(key, s);
    }
    return s;
  }

  private resolve(site: string, meter: string, channel: string): V {
    let s = this.defaults;
    for (const p of this.patches) {
      if ((p.site ?? site) !== site || (p.meter ?? meter) !== meter || (p.channel ?? channel) !== channel) continue;
      s = { ...s, ...p.patch };
    }
    return s;
  }
}
