import type { Info, Reading } from '@wattbus/contract';
import { solarElevationDeg } from '@wattbus/solar';
import { ChannelRule, watts } from '../channel-rule.js';
import { OK, type Verdict } from '../debounce.js';
import type { SettingsResolver } from '../settings.js';
import type { PvNightSettings } from './config.js';

/** A production channel that produces while the sun is down at the site's location (from its `info`). */
export class PvNightRule extends ChannelRule<PvNightSettings> {
  readonly id = 'pv-night';
  readonly severity = 'warning' as const;
  private readonly locations = new Map<string, { lat: number; lon: number }>();

  constructor(settings: SettingsResolver<PvNightSettings>) {
    super(settings, () => undefined);
  }

  onInfo(info: Info): void {
    if (info.location) this.locations.set(info.site, info.location);
    else this.locations.delete(info.site);
  }

  protected judge(r: Reading, s: PvNightSettings): Verdict | undefined {
    const p = r.values.power_w;
    if (r.role !== 'production' || p === undefined) return undefined;
    const loc = this.locations.get(r.site);
    if (loc === undefined) return undefined;
    if (Math.abs(p) <= s.tolerance_w) return OK;
    // UTC epoch in, no local time anywhere: DST and the site's time zone cannot matter.
    const elevation = solarElevationDeg(r.ts, loc.lat, loc.lon);
    if (elevation >= s.sun_below_deg) return OK;
    return {
      level: 'bad',
      message: `production ${watts(p)} with the sun at ${elevation.toFixed(1)}°`,
      value: p,
    };
  }
}
