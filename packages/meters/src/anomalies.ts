import { MeterReadError } from './driver.js';

/** A value that could not be reported: a glitch in a device's data. */
export interface Anomaly {
  /** `<what>@<device time, s>`: the same glitch seen again in a later answer is not reported again. */
  key: string;
  message: string;
}

/** A device time (s since epoch) for messages. */
export const deviceTime = (ts: number) => new Date(ts * 1000).toISOString();

/**
 * The glitches in a device's stored data that a driver has reported. Drivers that re-read a device's history
 * (eGauge, Flukso over HTTP) fail one read naming a new glitch, then skip it silently: nothing was consumed, so
 * the next read returns the good values around it.
 */
export class AnomalyLog {
  private readonly keys = new Set<string>();

  /** Whether this glitch was reported already. */
  has(key: string): boolean {
    return this.keys.has(key);
  }

  /** Remembers `anomalies` and throws a MeterReadError naming the first (and how many more), if there are any. */
  failOn(meterId: string, anomalies: readonly Anomaly[]): void {
    if (anomalies.length === 0) return;
    for (const a of anomalies) this.keys.add(a.key);
    const more = anomalies.length > 1 ? ` (and ${anomalies.length - 1} more)` : '';
    throw new MeterReadError(meterId, `${anomalies[0]?.message}${more}`);
  }

  /** Forgets glitches at or before device time `ts` (s): no answer will show them again. */
  forgetUpTo(ts: number): void {
    for (const key of this.keys) {
      if (Number(key.slice(key.lastIndexOf('@') + 1)) <= ts) this.keys.delete(key);
    }
  }
}
