/**
 * What an export writes, in columns: a table's columns (names, kinds) and its rows in batches of column arrays.
 * Readers fill batches without an object per row; the formats render any table from its column specs, so raw
 * readings and rollups share one CSV, JSON lines and Parquet writer. The README documents every column.
 */

/**
 * - `time`: an instant, ms since 1970 (ISO 8601 in the chosen zone in text formats, TIMESTAMP in Parquet);
 * - `int`, `float`: numbers (INT64, DOUBLE);
 * - `text`: a string;
 * - `json`: a string holding a JSON value, written as that value in JSON lines and as text elsewhere.
 */
export type ColumnKind = 'time' | 'int' | 'float' | 'text' | 'json';

export interface ColumnSpec {
  name: string;
  kind: ColumnKind;
  /** Whether a row may have no value (NaN in a number column, null in a string column). */
  nullable: boolean;
  /** False for a column Parquet's types make redundant (`ts_ms` beside a typed `time`). */
  parquet: boolean;
}

export interface Table {
  columns: readonly ColumnSpec[];
}

/** A number column (NaN: no value) or a string column (null: no value). */
export type ColumnData = Float64Array | ReadonlyArray<string | null>;

/** Rows in columns, in the order of the table's specs; two specs may share one array (`time` and `ts_ms`). */
export interface Batch {
  length: number;
  columns: readonly ColumnData[];
}

export type Batches = AsyncIterable<Batch>;

export const column = (name: string, kind: ColumnKind, nullable = false, parquet = true): ColumnSpec => ({
  name,
  kind,
  nullable,
  parquet,
});
