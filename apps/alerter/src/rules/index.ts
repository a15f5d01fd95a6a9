import type { AlerterConfig } from '../config.js';
import { EnergyIndexRule } from './energy-index.js';
import { ExtremeRule } from './extreme.js';
import { MissingDataRule } from './missing-data.js';
import { OverloadRule } from './overload.js';
import { PvNightRule } from './pv-night.js';
import type { AlertRule } from './rule.js';
import { SettingsResolver } from './settings.js';
import { SignRule } from './sign.js';
import { VoltageRule } from './voltage.js';

/** Every rule, configured. A new rule is one file and one line here. */
export function createRules(rules: AlerterConfig['rules'], overrides: AlerterConfig['overrides'] = []): AlertRule[] {
  const { missing_data: md, ...perChannel } = rules;
  const settings = new SettingsResolver(perChannel, overrides);
  const missingOverrides = overrides.filter((o) => o.missing_data);
  return [
    new MissingDataRule({
      afterIntervals: md.after_intervals,
      afterIntervalsFor: (site, meter, channel) =>
        missingOverrides.findLast(
          (o) => (o.site ?? site) === site && (o.meter ?? meter) === meter && (o.channel ?? channel) === channel,
        )?.missing_data?.after_intervals,
      defaultIntervalMs: md.default_interval_ms,
      offlineGraceMs: md.offline_grace_ms,
    }),
    new SignRule(settings),
    new PvNightRule(settings),
    new OverloadRule(settings),
    new ExtremeRule(settings),
    new EnergyIndexRule(settings),
    new VoltageRule(settings),
  ];
}
