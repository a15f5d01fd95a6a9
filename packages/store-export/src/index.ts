/** What the portal's download reuses: the export run, its CSV and the InfluxDB reader. */
export { EXIT, ExportError } from './errors.js';
export { type ExportJob, runExport, type Summary } from './export.js';
export { CSV_HEADER } from './formats/index.js';
export type { Selection } from './selection.js';
export { type InfluxQueryConfig, InfluxV1Reader } from './stores/influx-v1.js';
export { parseInstant } from './time-format.js';
