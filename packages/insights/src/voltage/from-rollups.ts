import type { Rollup } from '@wattbus/contract';
import type { SiteHour } from './hours.js';

/**
 * A site's hours from its 1-hour rollups (other intervals ignored; of several revisions of one rollup the highest
 * counts): voltage min/max over every channel that measured one, production as the export energy of the
 * `production` channels, null where the site has none.
 */
export function siteHoursFromRollups(rollups: readonly Rollup[]): SiteHour[] {
  const latest = new Map<string, Rollup>();
  for (const r of rollups) {
    if (r.interval !== '1h') continue;
    const seen = latest.get(r.key);
    if (!seen || seen.revision < r.revision) latest.set(r.key, r);
  }
  const hours = new Map<number, SiteHour>();
  for (const r of latest.values()) {
    const hour = hours.get(r.start) ?? { start_ms: r.start, voltage_v: null, production_wh: null };
    if (r.voltage_v) {
      hour.voltage_v = hour.voltage_v
        ? { min: Math.min(hour.voltage_v.min, r.voltage_v.min), max: Math.max(hour.voltage_v.max, r.voltage_v.max) }
        : { ...r.voltage_v };
    }
    if (r.role === 'production' && r.energy_export_wh !== null) {
      hour.production_wh = (hour.production_wh ?? 0) + r.energy_export_wh;
    }
    hours.set(r.start, hour);
  }
  return [...hours.values()].sort((a, b) => a.start_ms - b.start_ms);
}
