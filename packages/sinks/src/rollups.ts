import type { Rollup } from '@wattbus/contract';

/**
 * The highest revision of each key in a batch, in first-seen order: a store written once per key, with the
 * newest figures, whatever order the batch holds them in.
 */
export function newestRevisions(batch: readonly Rollup[]): Rollup[] {
  const byKey = new Map<string, Rollup>();
  for (const rollup of batch) {
    const seen = byKey.get(rollup.key);
    if (seen === undefined || rollup.revision > seen.revision) byKey.set(rollup.key, rollup);
  }
  return [...byKey.values()];
}
