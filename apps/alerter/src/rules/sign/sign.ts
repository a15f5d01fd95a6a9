import type { Reading } from '@wattbus/contract';
import { ChannelRule, watts } from '../channel-rule.js';
import { HOLD, OK, type Verdict } from '../debounce.js';
import type { SettingsResolver } from '../settings.js';
import type { SignSettings } from './config.js';

/** Contract sign convention: consumption ≥ 0, production ≤ 0. Grid channels may go either way. */
export class SignRule extends ChannelRule<SignSettings> {
  readonly id = 'sign';
  readonly severity = 'warning' as const;

  constructor(settings: SettingsResolver<SignSettings>) {
    super(settings, () => undefined);
  }

  protected judge(r: Reading, s: SignSettings): Verdict | undefined {
    const p = r.values.power_w;
    if (p === undefined) return undefined;
    let wrong: number;
    if (r.role === 'consumption') wrong = -p;
    else if (r.role === 'production') wrong = p;
    else return undefined;
    if (wrong > s.tolerance_w) {
      const what = r.role === 'consumption' ? 'negative consumption' : 'positive production';
      return { level: 'bad', message: `${what}: ${watts(p)} (check the sign factor)`, value: p };
    }
    return wrong > s.tolerance_w / 2 ? HOLD : OK;
  }
}
