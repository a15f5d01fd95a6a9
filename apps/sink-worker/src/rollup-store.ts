import type { Rollup } from '@wattbus/contract';
import type { Sink } from '@wattbus/sinks';
import type { Store } from './batch-writer.js';

/**
 * A sink's rollups as a batch-writer store, or undefined if the sink stores none. One write at a time: rollups are
 * stored in the order they came, which is revision order for each key, so a newer revision is never overwritten.
 */
export function rollupStore(sink: Sink): Store<Rollup> | undefined {
  const writeRollups = sink.writeRollups;
  if (writeRollups === undefined) return undefined;
  return { name: sink.name, maxConcurrentWrites: 1, write: (batch) => writeRollups.call(sink, batch) };
}
