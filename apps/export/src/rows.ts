/**
 * One exported row: one value of one reading ("long" or "tidy" form, like the file sink's CSV), so the
 * columns are the same whatever each meter reports. The README documents every column.
 */
export interface ExportRow {
  /** Time of measurement, ms since 1970 (UTC). */
  ts: number;
  site: string;
  meter: string;
  channel: string;
  role: string;
  /** The reading's sequence number (null if the store has none for it). */
  seq: number | null;
  /** The contract's value name, e.g. `power_w`, `voltage_v_l1`. */
  quantity: string;
  value: number;
  /** Other tags of the reading, `key=value` pairs joined by `;`, sorted by key ('' when none). */
  labels: string;
}

/** Rows come in batches: one array per store page, so per-row overhead stays out of the hot path. */
export type RowBatches = AsyncIterable<ExportRow[]>;

export const labelsText = (labels: Record<string, string>): string =>
  Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join(';');
