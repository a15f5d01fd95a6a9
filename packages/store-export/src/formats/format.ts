import type { Output } from '../output.js';
import type { ExportPoint } from '../rows.js';

export const FORMAT_NAMES = ['csv', 'jsonl', 'parquet'] as const;
export type FormatName = (typeof FORMAT_NAMES)[number];

export interface FormatOptions {
  /** Renders a row's instant for text formats (UTC or the chosen time zone). */
  time: (ts: number) => string;
  timeZone: string;
}

/** Turns batches of points (one row per value) into the bytes of one file. */
export interface RowWriter {
  write(points: readonly ExportPoint[]): Promise<void>;
  /** Writes what a file needs after the last row (Parquet's footer). */
  end(): Promise<void>;
}

export type FormatFactory = (output: Output, options: FormatOptions) => RowWriter;
