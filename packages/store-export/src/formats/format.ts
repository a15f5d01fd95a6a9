import type { Output } from '../output.js';
import type { Batch, Table } from '../table.js';

export const FORMAT_NAMES = ['csv', 'jsonl', 'parquet'] as const;
export type FormatName = (typeof FORMAT_NAMES)[number];

export interface FormatOptions {
  /** Renders a row's instant for text formats (UTC or the chosen time zone). */
  time: (ts: number) => string;
  timeZone: string;
  /** The columns every batch holds. */
  table: Table;
  /** `raw` or the rollups' interval: recorded in Parquet's metadata. */
  resolution: string;
}

/** Turns batches of rows into the bytes of one file. */
export interface RowWriter {
  write(batch: Batch): Promise<void>;
  /** Writes what a file needs after the last row (Parquet's footer; the header of an empty CSV). */
  end(): Promise<void>;
}

export type FormatFactory = (output: Output, options: FormatOptions) => RowWriter;
