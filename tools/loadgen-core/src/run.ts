import type { Reading } from '@wattbus/contract';
import type { HouseholdFleet } from './fleet.js';

/** The part of an mqtt.js client the generator uses. */
export interface Publisher {
  publish(topic: string, payload: string, options: { qos: 0 | 1 }, callback: (err?: Error) => void): unknown;
}

/** Time source: `now()` is monotonic ms (pacing), `wall()` is epoch ms (reading timestamps). */
export interface Clock {
  now(): number;
  wall(): number;
  sleep(ms: number): Promise<void>;
}

const realClock: Clock = {
  now: () => performance.now(),
  wall: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface LoadOptions {
  fleet: HouseholdFleet;
  client: Publisher;
  /** Readings per second in total, over every household; `Infinity` = as fast as `window` allows. */
  rate: number;
  /** Stop after this many readings... */
  count?: number;
  /** ...or after this long (count = rate × duration when the rate is finite). */
  durationMs?: number;
  /** Default 1. */
  qos?: 0 | 1;
  /** Publishes awaiting their PUBACK at most (QoS 1); past it the generator waits, then catches up. Default 1000. */
  window?: number;
  /** Called for each reading as it is published (benchmarks record what they sent). */
  onReading?: (reading: Reading, topic: string) => void;
  /** Called about every `progressEveryMs` (default 1000). */
  onProgress?: (progress: LoadProgress) => void;
  progressEveryMs?: number;
  signal?: AbortSignal;
  clock?: Clock;
}

export interface LoadProgress {
  sent: number;
  acked: number;
  failed: number;
  elapsed_s: number;
  /** Readings sent per second so far. */
  rate: number;
}

export interface LoadSummary extends LoadProgress {
  households: number;
  meters: number;
  qos: 0 | 1;
  /** The rate asked for (null: unlimited). */
  rate_offered: number | null;
  /** PUBACKed readings per second, from the first publish to the last PUBACK. */
  acked_rate: number;
  /** Most readings the generator was ever behind its schedule (0 = it kept the pace throughout). */
  max_behind: number;
  first_ts: number | null;
  last_ts: number | null;
}

/**
 * Number of readings due `elapsedMs` after the start at `rate` readings/s: reading i (from 0) is due at
 * i / rate seconds. Pacing is by count, not by time: a generator that stalled sends what it owes at once,
 * so `count` readings take count / rate seconds whatever the timer granularity.
 */
export function dueCount(elapsedMs: number, rate: number, limit: number): number {
  if (rate === Number.POSITIVE_INFINITY) return limit;
  if (elapsedMs < 0) return 0;
  return Math.min(limit, Math.floor((elapsedMs * rate) / 1000) + 1);
}

/** Publishes readings of `fleet` at a steady `rate` until `count` or `durationMs`, then waits for every PUBACK. */
export async function runLoad(options: LoadOptions): Promise<LoadSummary> {
  const { fleet, client, rate, qos = 1, window = 1000, onReading, onProgress, signal, clock = realClock } = options;
  if (!(rate > 0)) throw new RangeError('rate must be > 0');
  if (options.count === undefined && options.durationMs === undefined) {
    throw new RangeError('give a count or a duration');
  }
  const finiteRate = Number.isFinite(rate);
  const limit =
    options.count ??
    (finiteRate ? Math.max(1, Math.round((rate * (options.durationMs ?? 0)) / 1000)) : Number.MAX_SAFE_INTEGER);
  const deadline = options.count === undefined && !finiteRate ? options.durationMs : undefined;
  const progressEveryMs = options.progressEveryMs ?? 1000;

  let sent = 0;
  let acked = 0;
  let failed = 0;
  let maxBehind = 0;
  let firstTs: number | null = null;
  let lastTs: number | null = null;
  let lastAckAt = 0;
  let wake: (() => void) | undefined;
  const buffer: { topic: string; reading: Reading }[] = [];
  const start = clock.now();
  let nextProgress = start + progressEveryMs;

  const progress = (): LoadProgress => {
    const elapsed = (clock.now() - start) / 1000;
    return { sent, acked, failed, elapsed_s: elapsed, rate: elapsed > 0 ? sent / elapsed : 0 };
  };
  const settled = (err?: Error) => {
    if (err) failed++;
    else acked++;
    lastAckAt = clock.now();
    const w = wake;
    wake = undefined;
    w?.();
  };
  const inFlight = () => sent - acked - failed;

  while (sent < limit && !signal?.aborted) {
    const elapsed = clock.now() - start;
    if (deadline !== undefined && elapsed >= deadline) break;
    const due = dueCount(elapsed, rate, limit);
    if (finiteRate) maxBehind = Math.max(maxBehind, due - sent);
    while (sent < due && inFlight() < window) {
      if (buffer.length === 0) {
        const { topic, readings } = await fleet.next(clock.wall());
        for (const reading of readings) buffer.push({ topic, reading });
      }
      const { topic, reading } = buffer.shift() as { topic: string; reading: Reading };
      firstTs ??= reading.ts;
      lastTs = reading.ts;
      sent++;
      onReading?.(reading, topic);
      client.publish(topic, JSON.stringify(reading), { qos }, settled);
    }
    const now = clock.now();
    if (onProgress && now >= nextProgress) {
      onProgress(progress());
      nextProgress = now + progressEveryMs;
    }
    if (sent >= limit) break;
    if (inFlight() >= window) {
      // Wait for a PUBACK (or a tick, so progress and the abort signal are still seen).
      await Promise.race([new Promise<void>((resolve) => (wake = resolve)), clock.sleep(50)]);
      wake = undefined;
    } else if (finiteRate) {
      const nextDueAt = start + (sent * 1000) / rate;
      await clock.sleep(Math.max(1, Math.min(nextDueAt - now, 50)));
    } else {
      await clock.sleep(0);
    }
  }
  while (inFlight() > 0 && !signal?.aborted) {
    await Promise.race([new Promise<void>((resolve) => (wake = resolve)), clock.sleep(50)]);
    wake = undefined;
    const now = clock.now();
    if (onProgress && now >= nextProgress) {
      onProgress(progress());
      nextProgress = now + progressEveryMs;
    }
  }
  const final = progress();
  const ackSpan = (lastAckAt - start) / 1000;
  return {
    ...final,
    households: fleet.households,
    meters: fleet.meters.length,
    qos,
    rate_offered: finiteRate ? rate : null,
    acked_rate: ackSpan > 0 ? acked / ackSpan : 0,
    max_behind: maxBehind,
    first_ts: firstTs,
    last_ts: lastTs,
  };
}
