import { PHASES, type Reading } from '@wattbus/contract';
import type { ChannelSettings } from '../config.js';
import { ChannelRule } from './channel-rule.js';
import { HOLD, OK, type Verdict } from './debounce.js';
import type { SettingsResolver } from './settings.js';

/** Line-to-line voltage over phase-to-neutral voltage in a balanced three-phase network: 400 V / 230 V. */
const LINE_TO_LINE = Math.sqrt(3);

/**
 * The factor by which each voltage value name's band differs from the configured (phase-to-neutral) one:
 * 1 for `voltage_v` and `voltage_v_l1..l3`, √3 for `voltage_v_l1_l2` etc. `voltage_v_n` (neutral to earth,
 * near 0 V) has no such band and is not judged.
 */
const BAND_FACTOR: ReadonlyMap<string, number> = new Map([
  ['voltage_v', 1],
  ...PHASES.filter((p) => p !== 'n').map((p): [string, number] => [
    `voltage_v_${p}`,
    p.includes('_') ? LINE_TO_LINE : 1,
  ]),
]);

const volts = (v: number) => `${Math.round(v * 10) / 10}`;

/**
 * Meter sanity: a phase-to-neutral voltage outside [min_v, max_v] (EN 50160 by default), or a line-to-line
 * voltage outside √3 × that band (358.5–438.2 V by default), so a three-phase meter's 400 V is fine.
 */
export class VoltageRule extends ChannelRule<'voltage'> {
  readonly id = 'voltage';
  readonly severity = 'warning' as const;

  constructor(settings: SettingsResolver) {
    super(settings, 'voltage', () => undefined);
  }

  protected judge(r: Reading, s: ChannelSettings['voltage']): Verdict | undefined {
    let verdict: Verdict | undefined;
    for (const name in r.values) {
      const k = BAND_FACTOR.get(name);
      if (k === undefined) continue;
      const v = r.values[name] as number;
      const min = s.min_v * k;
      const max = s.max_v * k;
      if (v < min || v > max) {
        return { level: 'bad', message: `${name} ${v} V outside ${volts(min)}–${volts(max)} V`, value: v };
      }
      const h = s.hysteresis_v * k;
      if (v < min + h || v > max - h) verdict = HOLD;
      else verdict ??= OK;
    }
    return verdict;
  }
}
