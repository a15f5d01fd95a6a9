// Reading stored readings back out of a store, as CSV, JSON lines or Parquet: what wattbus-export runs and what
// the portal's CSV download streams through.
export { EXIT, ExportError, usageError } from './errors.js';
export { type ExportJob, type Progress, runExport, type Summary } from './export.js';
export { CSV_HEADER, FORMAT_NAMES, type FormatName } from './formats/index.js';
export { sitesOfGroups } from './groups.js';
export type { Compression } from './output.js';
export { checkIds, checkRange, expandQuantity, type Selection } from './selection.js';
export { loadStoreConfig, type StoreConfig } from './store-config.js';
export { openReader, type StoreReader } from './stores/index.js';
export {
  ANSWER_HEADERS,
  CHUNK_ROWS,
  type InfluxQueryConfig,
  InfluxV1Reader,
  lines,
  WINDOW_MS,
} from './stores/influx-v1.js';
export { parseInstant, zoneOffset } from './time-format.js';
