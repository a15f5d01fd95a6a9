import type { Reading } from '@wattbus/contract';
import type { ChannelSettings } from '../config.js';
import { ChannelRule } from './channel-rule.js';
import { HOLD, OK, type Verdict } from './debounce.js';
import type { SettingsResolver } from './settings.js';

/** Meter sanity: any `voltage_v*` value outside [min_v, max_v] (EN 50160 by default). */
export class VoltageRule extends ChannelRule<'voltage'> {
  readonly id = 'voltage';
  readonly severity = 'warning' as const;

  constructor(settings: SettingsResolver) {
    super(settings, 'voltage', () => undefined);
  }

  protected judge(r: Reading, s: ChannelSettings['voltage']): Verdict | undefined {
    let verdict: Verdict | undefined;
    for (const name in r.values) {
      if (!name.startsWith('voltage_v')) continue;
      const v = r.values[name] as number;
      if (v < s.min_v || v > s.max_v) {
        return { level: 'bad', message: `${name} ${v} V outside ${s.min_v}–${s.max_v} V`, value: v };
      }
      if (v < s.min_v + s.hysteresis_v || v > s.max_v - s.hysteresis_v) verdict = HOLD;
      else verdict ??= OK;
    }
    return verdict;
  }
}
