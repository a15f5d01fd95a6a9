import type { Reading } from '@wattbus/contract';
import { ChannelRule } from '../channel-rule.js';
import { OK, type Verdict } from '../debounce.js';
import type { SettingsResolver } from '../settings.js';
import type { EnergyIndexSettings } from './config.js';

/** Meter sanity: an energy index (`energy_*`) of a channel going backwards. */
export class EnergyIndexRule extends ChannelRule<EnergyIndexSettings, Map<string, number>> {
  readonly id = 'energy-index';
  readonly severity = 'warning' as const;

  constructor(settings: SettingsResolver<EnergyIndexSettings>) {
    super(settings, () => new Map());
  }

  protected judge(r: Reading, s: EnergyIndexSettings, e: { data: Map<string, number> }): Verdict | undefined {
    let verdict: Verdict | undefined;
    for (const name in r.values) {
      if (!name.startsWith('energy_')) continue;
      const value = r.values[name] as number;
      const before = e.data.get(name);
      e.data.set(name, value);
      if (before === undefined) continue;
      if (value < before - s.tolerance_wh) {
        verdict = { level: 'bad', message: `${name} went back from ${before} to ${value}`, value };
      } else {
        verdict ??= OK;
      }
    }
    return verdict;
  }
}
