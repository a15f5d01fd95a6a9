import { nothingError } from './errors.js';
import { FORMATS, type FormatName } from './formats/index.js';
import { type Compression, Output } from './output.js';
import { ROLLUPS } from './rollup-rows.js';
import { READINGS } from './rows.js';
import { isRollups, type Selection } from './selection.js';
import type { StoreReader } from './stores/store.js';
import { timeFormatter } from './time-format.js';

export interface Progress {
  rows: number;
  bytes: number;
  /** The range is done up to this instant. */
  doneUntil: number;
}

export interface Summary {
  rows: number;
  bytes: number;
  seconds: number;
  output: string;
}

export interface ExportJob {
  reader: StoreReader;
  selection: Selection;
  format: FormatName;
  compression: Compression;
  /** A file path; undefined for `stdout`. */
  path: string | undefined;
  /** Where undefined `path` writes (default process.stdout). */
  stdout?: NodeJS.WritableStream;
  timeZone: string;
  signal: AbortSignal;
  onProgress?: (progress: Progress) => void;
  /** Whether a selection without any reading is an error (the CLI) or an empty file (the portal). */
  emptyIsError: boolean;
}

/**
 * Reads the selection from the store and writes it as it comes: memory holds one store page and one
 * Parquet row group at most. A failure or an abort leaves no file under the final name.
 */
export async function runExport(job: ExportJob): Promise<Summary> {
  const started = performance.now();
  await job.reader.prepare(job.selection);
  const output = new Output(job.path, job.compression, job.stdout as never);
  const writer = FORMATS[job.format](output, {
    time: timeFormatter(job.timeZone),
    timeZone: job.timeZone,
    table: isRollups(job.selection) ? ROLLUPS : READINGS,
    resolution: job.selection.resolution ?? 'raw',
  });
  let rows = 0;
  let doneUntil = job.selection.from;
  const report = () => job.onProgress?.({ rows, bytes: output.bytes, doneUntil });
  const windowDone = (until: number) => {
    doneUntil = until;
    report();
  };
  try {
    for await (const batch of job.reader.read(job.selection, windowDone, job.signal)) {
      job.signal.throwIfAborted();
      await writer.write(batch);
      rows += batch.length;
      report();
    }
    job.signal.throwIfAborted();
    if (rows === 0 && job.emptyIsError) {
      throw nothingError(
        `no ${isRollups(job.selection) ? `${job.selection.resolution} rollups` : 'readings'} from ${new Date(job.selection.from).toISOString()} to ${new Date(job.selection.to).toISOString()} for this selection`,
      );
    }
    await writer.end();
    await output.finish();
  } catch (err) {
    await output.abandon();
    throw err;
  }
  report();
  return {
    rows,
    bytes: output.bytes,
    seconds: (performance.now() - started) / 1000,
    output: job.path ?? 'stdout',
  };
}
