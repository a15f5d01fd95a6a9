import { csvWriter } from './csv.js';
import type { FormatFactory, FormatName } from './format.js';
import { jsonlWriter } from './jsonl.js';
import { parquetWriter } from './parquet.js';

export { CSV_HEADER } from './csv.js';
export * from './format.js';

export const FORMATS: Record<FormatName, FormatFactory> = {
  csv: csvWriter,
  jsonl: jsonlWriter,
  parquet: parquetWriter,
};
