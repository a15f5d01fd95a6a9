import { isSiteId, PHASES, parseValueName, QUANTITIES, type QuantityName, valueName } from '@wattbus/contract';
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
}

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
