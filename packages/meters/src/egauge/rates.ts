import type { ValueName } from '@wattbus/contract';
import { type Anomaly, type AnomalyLog, deviceTime } from '../anomalies.js';
import type { ChannelSample } from '../driver.js';
import type { RegisterMapping } from './registers.js';
import type { History } from './xml.js';

export interface HistorySamples {
  samples: ChannelSample[];
  /** Anomalies not in `reported`, oldest first. */
  anomalies: Anomaly[];
  /** The newest row time (s) taken into account, or undefined if none was: where the next read starts. */
  lastTs: number | undefined;
}

export interface HistoryOptions {
  /** Sample spacing in s; samples fall on multiples of it. */
  step: number;
  /** Time (s) of the last sample already returned: only later ones are made. Undefined: only the newest one. */
  after: number | undefined;
  /** Anomalies reported before: skipped silently. */
  reported: Pick<AnomalyLog, 'has'>;
}

const INTEGER = /^[+-]?\d+$/;
export const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
export const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

/** Register totals are S64 integers (or IEEE decimals); keep integers exact past 2^53. */
export function parseTotal(raw: string | undefined): bigint | number | undefined {
  if (raw === undefined) return undefined;
  if (INTEGER.test(raw)) return BigInt(raw);
  return DECIMAL.test(raw) ? Number(raw) : undefined;
}

/** newer − older; S64 totals are circular (documented by eGauge), so a wrap-around gives the true small difference. */
function difference(newer: bigint | number, older: bigint | number): number {
  if (typeof newer === 'bigint' && typeof older === 'bigint') return Number(BigInt.asIntN(64, newer - older));
  return Number(newer) - Number(older);
}

type Outcome = { value: number } | { skip: true } | { anomaly: string };

const notANumber = (m: RegisterMapping, raw: string | undefined, ts: number): Outcome => ({
  anomaly: `register "${m.name}": value "${raw}" at ${deviceTime(ts)} is not a number`,
});

function evaluate(m: RegisterMapping, history: History, ts: number, step: number): Outcome | undefined {
  const rawNewer = history.rows.get(ts)?.get(m.name);
  const newer = parseTotal(rawNewer);
  if (newer === undefined) return notANumber(m, rawNewer, ts);
  const total: Outcome = { value: round6(Number(newer) * m.totalScale) };
  const rawOlder = history.rows.get(ts - step)?.get(m.name);
  if (rawOlder === undefined) return m.kind === 'total' ? total : undefined;
  const older = parseTotal(rawOlder);
  if (older === undefined) return notANumber(m, rawOlder, ts - step);

  const rate = (difference(newer, older) / step) * m.rateScale;
  // After a counter reset the rate over the step is meaningless, but a total is still the device's total.
  const afterReset: Outcome = m.kind === 'rate' ? { skip: true } : total;
  if (!m.signed && rate < 0) return afterReset;
  if (Math.abs(rate) <= m.limit) return m.kind === 'rate' ? { value: round6(rate) } : total;
  // Power registers are bidirectional: a total that restarted from zero within the step is a reset, else a glitch.
  if (Math.abs(Number(newer) / step) * m.rateScale <= m.limit) return afterReset;
  return {
    anomaly:
      `register "${m.name}": ${rate.toPrecision(4)} ${m.unitLabel} from ${deviceTime(ts - step)} to ${deviceTime(ts)} ` +
      `is implausible (limit ${m.limit} ${m.unitLabel}): counter glitch, interval skipped`,
  };
}

/**
 * Samples from stored rows: one per channel at every multiple of `step` newer than `after` whose row and the row
 * `step` seconds earlier are both present. Rates are Δtotal/Δt over that step; a decrease of a register that only
 * grows is a counter reset and its interval is skipped, as is a rate beyond the register's plausible limit.
 */
export function samplesFromHistory(
  history: History,
  mappings: readonly RegisterMapping[],
  { step, after, reported }: HistoryOptions,
): HistorySamples {
  let candidates = [...history.rows.keys()].filter((ts) => ts % step === 0 && (after === undefined || ts > after));
  candidates.sort((a, b) => a - b);
  if (after === undefined) candidates = candidates.slice(-1);
  const samples: ChannelSample[] = [];
  const anomalies: Anomaly[] = [];
  for (const ts of candidates) {
    const byChannel = new Map<string, Partial<Record<ValueName, number>>>();
    for (const m of mappings) {
      const outcome = evaluate(m, history, ts, step);
      if (!outcome || 'skip' in outcome) continue;
      if ('anomaly' in outcome) {
        const key = `${m.name}@${ts}`;
        if (!reported.has(key)) anomalies.push({ key, message: outcome.anomaly });
        continue;
      }
      const values = byChannel.get(m.channel) ?? {};
      values[m.value] = outcome.value;
      byChannel.set(m.channel, values);
    }
    for (const [channel, values] of byChannel) samples.push({ channel, ts: ts * 1000, values });
  }
  return { samples, anomalies, lastTs: candidates.at(-1) };
}
