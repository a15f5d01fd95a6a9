import type { TSchema } from '@sinclair/typebox';
import { type DefinePlugin, definePlugin, type Plugin } from '@wattbus/config/plugin';
import type { Reading, Rollup } from '@wattbus/contract';

/**
 * A store for readings. `write` resolves only once the store has the whole batch durably, and must be
 * idempotent: a reading is keyed by (site, meter, channel, ts) and writing it again changes nothing.
 */
export interface Sink {
  readonly name: string;
  /**
   * How many `write`s may run at once (default 1). More than one only for stores where batches are
   * independent (keyed upserts over HTTP): it keeps the store busy while the next batch is on its way.
   */
  readonly maxConcurrentWrites?: number;
  open(): Promise<void>;
  /**
   * Why this store cannot take the reading, if it is known before writing (e.g. a label InfluxDB reserves): the
   * worker dead-letters it with this reason instead of sending a write that would be refused.
   */
  refuse?(reading: Reading): string | undefined;
  write(batch: readonly Reading[]): Promise<void>;
  /**
   * Stores rollups (docs/energy.md), durably before resolving, keyed by `key` (site, meter, channel, interval,
   * start): writing one again changes nothing, and a newer revision replaces the older. A batch may hold several
   * revisions of one key (the highest is stored); separate writes are stored in the order they are called, which
   * is revision order when rollups are written in the order the rollup app published them.
   */
  writeRollups?(batch: readonly Rollup[]): Promise<void>;
  close(): Promise<void>;
}

/** What the worker knows beyond the readings, for sinks that write it alongside them. */
export interface SinkContext {
  /**
   * The tags of the site's retained `info` message (city, postcode…); NO_SITE_TAGS while unknown. The same
   * object until the site's info changes, so sinks may cache what they derive from it.
   */
  siteTags(site: string): Readonly<Record<string, string>>;
  /** Where a sink reports what an operator should know (e.g. a store that may lose acknowledged writes). */
  log?: { warn(fields: Record<string, unknown>, message: string): void };
}

/** No tags: what `siteTags` returns for a site it does not know. */
export const NO_SITE_TAGS: Readonly<Record<string, string>> = Object.freeze({});

/** A context that knows no site: points carry only the readings' own tags. */
export const NO_SITE_INFO: SinkContext = { siteTags: () => NO_SITE_TAGS };

/** A sink kind: its config schema (its section under `sinks:`, validated by the worker) and a factory. */
export type SinkDefinition<S extends TSchema = TSchema> = Plugin<S, SinkContext, Sink>;

/** Declares a sink with its config type inferred from its schema; `create` does no I/O (`open` connects). */
export const defineSink: DefinePlugin<SinkContext, Sink> = definePlugin;

/**
 * A write failure. `permanent` failures (the store refuses the data itself) are not retried: the batch goes
 * to the dead-letter topic. Others (store down, timeouts, 5xx) are retried with backoff.
 */
export class SinkError extends Error {
  constructor(
    readonly sink: string,
    message: string,
    readonly permanent: boolean,
    options?: { cause?: unknown },
  ) {
    super(`sink ${sink}: ${message}`, options);
    this.name = 'SinkError';
  }
}
