/**
 * A reading as the store gives it back: its ids and time once, and its values. Every value becomes one row
 * of the export ("long" or "tidy" form, like the file sink's CSV), so the columns are the same whatever each
 * meter reports; writers render the shared part once per point. The README documents every column.
 */
export interface ExportPoint {
  /** Time of measurement, ms since 1970 (UTC). */
  ts: number;
  site: string;
  meter: string;
  channel: string;
  role: string;
  /** The reading's sequence number (null if the store has none for it). */
  seq: number | null;
  /** Other tags of the reading, `key=value` pairs joined by `;`, sorted by key ('' when none). */
  labels: string;
  /** The contract's value names (`power_w`, `voltage_v_l1`…), one row each, with `values` at the same index. */
  quantities: string[];
  values: number[];
}

/** Points come in batches: one array per store page, so per-call overhead stays out of the hot path. */
export type PointBatches = AsyncIterable<ExportPoint[]>;

/** The rows a batch of points makes. */
export const rowCount = (points: readonly ExportPoint[]): number => {
  let n = 0;
  for (const p of points) n += p.values.length;
  return n;
};
