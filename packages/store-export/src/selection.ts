import {
  isSiteId,
  PHASES,
  parseValueName,
  QUANTITIES,
  type QuantityName,
  type RollupInterval,
  valueName,
} from '@wattbus/contract';
import { usageError } from './errors.js';

/** What to export. Empty lists mean "every one". `to` is exclusive. */
export interface Selection {
  sites: string[];
  meters: string[];
  channels: string[];
  /** Value names (`power_w`, `voltage_v_l1`…). */
  quantities: string[];
  from: number;
  to: number;
  /** `raw` (the default): the readings; an interval: the rollups of that interval. */
  resolution?: Resolution;
}

export type Resolution = 'raw' | RollupInterval;

/** Whether the selection is of rollups, and of which interval. */
export const isRollups = (selection: Selection): selection is Selection & { resolution: RollupInterval } =>
  selection.resolution !== undefined && selection.resolution !== 'raw';

/**
 * The value names a `--quantity` stands for: a value name itself (`power_w`, `voltage_v_l1`) or a quantity of
 * the registry (`voltage`: every phase of it). Anything else is a usage error naming what is known.
 */
export function expandQuantity(text: string): string[] {
  if (parseValueName(text) !== undefined) return [text];
  if (Object.hasOwn(QUANTITIES, text)) {
    const q = text as QuantityName;
    return [valueName(q), ...PHASES.map((phase) => valueName(q, phase))];
  }
  throw usageError(
    `--quantity: unknown quantity "${text}" (expected a value name such as power_w or voltage_v_l1, or one of: ${Object.keys(QUANTITIES).join(', ')})`,
  );
}

export function checkIds(flag: string, ids: readonly string[]): void {
  for (const id of ids) {
    if (!isSiteId(id)) throw usageError(`--${flag}: "${id}" is not an id (expected ^[a-z0-9][a-z0-9_-]{0,63}$)`);
  }
}

export function checkRange(from: number, to: number): void {
  if (to < from) {
    throw usageError(
      `the range ends before it starts (--to ${new Date(to).toISOString()} < --from ${new Date(from).toISOString()})`,
    );
  }
  if (to === from) throw usageError('the range is empty (--to equals --from; --to is exclusive)');
}
