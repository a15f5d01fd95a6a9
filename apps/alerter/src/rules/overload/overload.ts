import type { Reading } from '@wattbus/contract';
import { ChannelRule, watts } from '../channel-rule.js';
import { HOLD, OK, type Verdict } from '../debounce.js';
import type { SettingsResolver } from '../settings.js';
import type { OverloadSettings } from './config.js';

/** Power above a configured limit (e.g. the subscribed power) for longer than `raise_after_s`. */
export class OverloadRule extends ChannelRule<OverloadSettings> {
  readonly id = 'overload';
  readonly severity = 'critical' as const;

  constructor(settings: SettingsResolver<OverloadSettings>) {
    super(settings, () => undefined);
  }

  protected judge(r: Reading, s: OverloadSettings): Verdict | undefined {
    const p = r.values.power_w;
    if (s.limit_w === undefined || p === undefined || !s.roles.includes(r.role)) return undefined;
    if (p > s.limit_w) return { level: 'bad', message: `${watts(p)} above the limit of ${watts(s.limit_w)}`, value: p };
    return p < s.limit_w * s.clear_below_ratio ? OK : HOLD;
  }
}
