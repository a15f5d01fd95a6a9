import type { Reading } from '@wattbus/contract';
import { ChannelRule } from '../channel-rule.js';
import { HOLD, OK, type Verdict } from '../debounce.js';
import type { SettingsResolver } from '../settings.js';
import type { VoltageSettings } from './config.js';

/** Line-to-line voltage over phase-to-neutral voltage in a balanced three-phase network: 400 V / 230 V. */
const LINE_TO_LINE = Math.sqrt(3);

/**
 * How much wider than the configured (phase-to-neutral) band a voltage value's band is: 1 for `voltage_v` and
 * `voltage_v_l1..l3`, √3 for `voltage_v_l1_l2`, `voltage_v_l2_l3` and `voltage_v_l3_l1`; undefined for other values
 * and for `voltage_v_n` (neutral to earth, near 0 V), which are not judged. The schema admits only registry names,
 * so a voltage name's length tells its phase kind; this runs for every value of every reading.
 */
function bandFactor(name: string): number | undefined {
  if (!name.startsWith('voltage_v')) return undefined;
  if (name.length === 'voltage_v'.length || name.length === 'voltage_v_l1'.length) return 1;
  return name.length === 'voltage_v_l1_l2'.length ? LINE_TO_LINE : undefined;
}

const volts = (v: number) => `${Math.round(v * 10) / 10}`;

/**
 * Meter sanity: a phase-to-neutral voltage outside [min_v, max_v] (EN 50160 by default), or a line-to-line
 * voltage outside √3 × that band (358.5–438.2 V by default), so a three-phase meter's 400 V is fine.
 */
export class VoltageRule extends ChannelRule<VoltageSettings> {
  readonly id = 'voltage';
  readonly severity = 'warning' as const;

  constructor(settings: SettingsResolver<VoltageSettings>) {
    super(settings, () => undefined);
  }

  protected judge(r: Reading, s: VoltageSettings): Verdict | undefined {
    let verdict: Verdict | undefined;
    for (const name in r.values) {
      const k = bandFactor(name);
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
