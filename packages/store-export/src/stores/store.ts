import type { Selection } from '../selection.js';
import type { Batches } from '../table.js';

/** A store readings can be exported from. */
export interface StoreReader {
  /**
   * Checks that the store answers and knows the selected sites: throws ExportError (store down: exit 1;
   * an unknown site: exit 3) before any output is made.
   */
  prepare(selection: Selection): Promise<void>;
  /**
   * The selected readings, in pages, as the store gives them; `progress` is told up to which instant the range is
   * done. Stops early when `signal` aborts.
   */
  read(selection: Selection, progress: (doneUntil: number) => void, signal: AbortSignal): Batches;
  close(): Promise<void>;
}
