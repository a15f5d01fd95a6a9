import type { TSchema } from '@sinclair/typebox';
import { definePlugin, type Plugin } from '@wattbus/config/plugin';
import type { ValueName } from '@wattbus/contract';

/** What a driver measured on one channel at one instant, in the meter's own sign convention. */
export interface ChannelSample {
  channel: string;
  /** Time of measurement, ms since epoch (UTC). */
  ts: number;
  values: Partial<Record<ValueName, number>>;
  labels?: Record<string, string>;
}

/** A channel the driver can produce, with the quantities it reports. */
export interface DriverChannel {
  id: string;
  values: readonly ValueName[];
}

/**
 * One meter (or one device exposing several channels). Constructors do no I/O: `open` connects,
 * `read` measures once, `close` releases. Errors thrown from `read` are per-meter: the agent records
 * them and tries again on the next cycle. A read that got some channels but not others throws a
 * `PartialReadError` carrying the samples it got: the agent publishes those and records the error.
 */
export interface MeterDriver {
  readonly channels: readonly DriverChannel[];
  /** Shortest poll interval this meter supports. */
  readonly minIntervalMs: number;
  open(): Promise<void>;
  read(now: number): Promise<ChannelSample[]>;
  close(): Promise<void>;
  /**
   * For drivers that read a device's stored history: what they must remember across agent restarts about the
   * samples returned so far (e.g. the device time of the newest). The agent stores it in the same fsynced batch
   * as the readings of that read, and hands it back as `DriverContext.saved` when it starts again.
   */
  checkpoint?(): DriverCheckpoint | undefined;
}

/** JSON a driver keeps across restarts. */
export type DriverCheckpoint =
  | string
  | number
  | boolean
  | null
  | DriverCheckpoint[]
  | { [key: string]: DriverCheckpoint };

export interface DriverContext {
  /** The meter id from the agent config, used in error messages. */
  meterId: string;
  /** The driver's last checkpoint before the agent restarted, if any; drivers must check its shape. */
  saved?: unknown;
}

/** A driver kind: its config schema (a meter's `config:`, validated by the agent at start) and a factory. */
export type DriverDefinition<S extends TSchema = TSchema> = Plugin<S, DriverContext, MeterDriver>;

/**
 * Declares a driver with its config type inferred from its schema; `create` does no I/O (`open` connects). Returned as
 * the registry sees it: a meter's `config:` is validated against the schema its `driver:` names only at run time.
 */
export function defineDriver<S extends TSchema>(definition: DriverDefinition<S>): DriverDefinition {
  return definePlugin(definition);
}

/** A failed read, naming the meter. */
export class MeterReadError extends Error {
  constructor(
    readonly meterId: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`meter ${meterId}: ${message}`, options);
    this.name = 'MeterReadError';
  }
}

/** A read that failed for some channels only: `samples` are those of the channels that were read. */
export class PartialReadError extends MeterReadError {
  constructor(
    meterId: string,
    readonly samples: ChannelSample[],
    message: string,
    options?: { cause?: unknown },
  ) {
    super(meterId, message, options);
    this.name = 'PartialReadError';
  }
}
