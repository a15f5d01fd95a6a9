import type { ValueName } from '@wattbus/contract';
import { type Anomaly, deviceTime } from '../anomalies.js';
import type { ChannelSample } from '../driver.js';
import { DECIMAL, parseTotal, round6 } from './rates.js';
import type { RegisterMapping } from './registers.js';
import type { Instant } from './xml.js';

type Outcome = { value: number } | { anomaly: string };

function evaluate(m: RegisterMapping, instant: Instant): Outcome {
  const register = instant.registers.get(m.name);
  const at = deviceTime(instant.ts);
  if (m.kind === 'total') {
    const total = parseTotal(register?.total);
    if (total === undefined)
      return { anomaly: `register "${m.name}": total "${register?.total}" at ${at} is not a number` };
    return { value: round6(Number(total) * m.totalScale) };
  }
  const raw = register?.instant ?? '';
  if (!DECIMAL.test(raw)) return { anomaly: `register "${m.name}": value "${raw}" at ${at} is not a number` };
  const value = Number(raw);
  if (Math.abs(value) > m.limit || (!m.signed && value < 0)) {
    return {
      anomaly: `register "${m.name}": ${value} ${m.unitLabel} at ${at} is implausible (limit ${m.limit} ${m.unitLabel})`,
    };
  }
  return { value: round6(value) };
}

/**
 * One sample per channel from an `egauge?inst&tot` answer at the device's time: rates are the device's own values
 * over its last second (`<i>`), indexes its totals (`<v>`). Values that are not numbers or not plausible are
 * anomalies: the caller fails the read naming them.
 */
export function samplesFromInstant(
  instant: Instant,
  mappings: readonly RegisterMapping[],
): { samples: ChannelSample[]; anomalies: Anomaly[] } {
  const byChannel = new Map<string, Partial<Record<ValueName, number>>>();
  const anomalies: Anomaly[] = [];
  for (const m of mappings) {
    const outcome = evaluate(m, instant);
    if ('anomaly' in outcome) {
      anomalies.push({ key: `${m.name}@${instant.ts}`, message: outcome.anomaly });
      continue;
    }
    const values = byChannel.get(m.channel) ?? {};
    values[m.value] = outcome.value;
    byChannel.set(m.channel, values);
  }
  const samples = [...byChannel].map(([channel, values]) => ({ channel, ts: instant.ts * 1000, values }));
  return { samples, anomalies };
}
