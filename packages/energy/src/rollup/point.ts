import type { Reading } from '@wattbus/contract';

/** What the rollups keep of one reading; NaN where the reading had no such value. */
export interface Point {
  readonly ts: number;
  /** energy_import_wh / energy_export_wh indexes. */
  readonly imp: number;
  readonly exp: number;
  /** Signed active power (consumption and grid import +, production and grid export −). */
  readonly power: number;
  /** Lowest and highest phase-to-neutral voltage of the reading. */
  readonly vmin: number;
  readonly vmax: number;
  /** labels.serial: a new serial is a new meter, whose index does not continue the old one. */
  readonly serial: string | undefined;
}

export function toPoint(reading: Reading): Point {
  const v = reading.values;
  let power = v.power_w ?? Number.NaN;
  if (Number.isNaN(power)) {
    const phases = [v.power_w_l1, v.power_w_l2, v.power_w_l3].filter((p) => p !== undefined);
    if (phases.length > 0) power = phases.reduce((sum, p) => sum + p, 0);
  }
  let vmin = Number.NaN;
  let vmax = Number.NaN;
  for (const volts of [v.voltage_v, v.voltage_v_l1, v.voltage_v_l2, v.voltage_v_l3]) {
    if (volts === undefined) continue;
    if (!(volts >= vmin)) vmin = volts;
    if (!(volts <= vmax)) vmax = volts;
  }
  return {
    ts: reading.ts,
    imp: v.energy_import_wh ?? Number.NaN,
    exp: v.energy_export_wh ?? Number.NaN,
    power,
    vmin,
    vmax,
    serial: reading.labels?.serial,
  };
}

/** Index of the last point at or before `ts` in points sorted by ts; -1 if none. */
export function lastAtOrBefore(points: readonly Point[], ts: number): number {
  let lo = 0;
  let hi = points.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((points[mid] as Point).ts <= ts) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}
