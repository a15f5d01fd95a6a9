import type { ChannelSettings, RuleOverride } from '../config.js';

/**
 * The rule settings of one channel: the `rules` defaults with every matching override applied in order.
 * Resolved once per channel and cached, since this is on the path of every reading.
 */
export class SettingsResolver {
  private readonly cache = new Map<string, ChannelSettings>();

  constructor(
    private readonly defaults: ChannelSettings,
    private readonly overrides: readonly RuleOverride[] = [],
  ) {}

  for(site: string, meter: string, channel: string): ChannelSettings {
    const key = `${site}/${meter}/${channel}`;
    let s = this.cache.get(key);
    if (s === undefined) {
      s = this.resolve(site, meter, channel);
      this.cache.set(key, s);
    }
    return s;
  }

  private resolve(site: string, meter: string, channel: string): ChannelSettings {
    const s = { ...this.defaults };
    for (const o of this.overrides) {
      if ((o.site ?? site) !== site || (o.meter ?? meter) !== meter || (o.channel ?? channel) !== channel) continue;
      for (const k of Object.keys(s) as Array<keyof ChannelSettings>) {
        const patch = o[k];
        // biome-ignore lint/suspicious/noExplicitAny: each key pairs a section with its own partial
        if (patch) (s as any)[k] = { ...s[k], ...patch };
      }
    }
    return s;
  }
}
