import type { Reading } from '@wattbus/contract';
import type { SitePlan } from '../tariff/tariffs.js';
import { type ComputeOptions, computeInterval } from './compute.js';
import { INTERVAL_NAMES, type IntervalName, intervalAt } from './intervals.js';
import { decodePoint, type EncodedPoint, encodePoint, lastAtOrBefore, type Point, toPoint } from './point.js';
import type { RollupRecord } from './record.js';

const DAY_MS = 86_400_000;

export interface RollupEngineOptions extends Partial<ComputeOptions> {
  /** The site's local days, tariff and prices. */
  planFor: (site: string) => SitePlan;
  /** A reading older than the channel's newest by more than this is refused ('too-late'). Default 2 days. */
  late_window_ms?: number;
  intervals?: readonly IntervalName[];
}

export type PushOutcome = 'accepted' | 'duplicate' | 'too-late';

/** A channel's state as plain JSON (`RollupEngine.snapshot`), to restore an engine after a restart. */
export interface ChannelSnapshot {
  site: string;
  meter: string;
  channel: string;
  role: string;
  points: EncodedPoint[];
  openStart: number[];
  openEnd: number[];
  /** Per interval: [start, revision] pairs, by start. */
  revisions: [number, number][][];
  dirty: number[][];
  nextTrim: number;
}

/** The whole engine state, per channel; only valid for an engine with the same intervals. */
export interface EngineSnapshot {
  intervals: IntervalName[];
  channels: ChannelSnapshot[];
}

interface ChannelState {
  readonly site: string;
  readonly meter: string;
  readonly channel: string;
  role: string;
  readonly plan: SitePlan;
  /** Sorted by ts; kept for the late window plus one day (the longest interval a late reading can reopen). */
  points: Point[];
  /** Per interval: the earliest interval not closed yet (closed = a reading at or after its end has arrived). */
  readonly openStart: number[];
  readonly openEnd: number[];
  /** Per interval: interval start → revision last emitted, for the late window. */
  readonly revisions: Map<number, number>[];
  /** Per interval: starts of intervals to compute and emit at the next drain. */
  readonly dirty: Set<number>[];
  nextTrim: number;
}

/**
 * Rolls readings up per channel into 1 min, 15 min, 1 h and local-day intervals. `push` takes readings in any order;
 * `drain` returns the records of intervals closed since (a reading at or after their end has arrived) and, with a
 * higher revision, those a late reading changed. Memory per channel is bounded by the late window.
 */
export class RollupEngine {
  private readonly channels = new Map<string, ChannelState>();
  private readonly dirtyChannels = new Set<ChannelState>();
  private readonly compute: ComputeOptions;
  private readonly lateWindow: number;
  private readonly names: readonly IntervalName[];
  private readonly planFor: (site: string) => SitePlan;

  constructor(options: RollupEngineOptions) {
    this.planFor = options.planFor;
    this.lateWindow = options.late_window_ms ?? 2 * DAY_MS;
    this.names = options.intervals ?? INTERVAL_NAMES;
    this.compute = {
      max_sample_gap_ms: options.max_sample_gap_ms ?? 300_000,
      max_interpolate_gap_ms: options.max_interpolate_gap_ms ?? 6 * 3_600_000,
    };
  }

  push(reading: Reading): PushOutcome {
    const id = `${reading.site}/${reading.meter}/${reading.channel}`;
    let ch = this.channels.get(id);
    if (ch === undefined) {
      ch = this.open(reading);
      this.channels.set(id, ch);
    }
    ch.role = reading.role;
    const point = toPoint(reading);
    const points = ch.points;
    const newest = points.length === 0 ? undefined : (points[points.length - 1] as Point);
    if (newest === undefined || point.ts > newest.ts) {
      points.push(point);
      this.advance(ch, newest, point);
      if (point.ts >= ch.nextTrim) this.trim(ch, point.ts);
      return 'accepted';
    }
    if (point.ts < newest.ts - this.lateWindow) return 'too-late';
    const at = lastAtOrBefore(points, point.ts);
    if (at >= 0 && (points[at] as Point).ts === point.ts) return 'duplicate';
    points.splice(at + 1, 0, point);
    this.reopen(ch, points[at], point, points[at + 2]);
    return 'accepted';
  }

  /** Records for every interval closed or corrected since the last drain, in the order they were marked. */
  drain(): RollupRecord[] {
    const out: RollupRecord[] = [];
    for (const ch of this.dirtyChannels) {
      this.names.forEach((name, n) => {
        const dirty = ch.dirty[n] as Set<number>;
        for (const start of dirty) {
          const record = this.record(ch, name, n, start);
          if (record !== undefined) out.push(record);
        }
        dirty.clear();
      });
    }
    this.dirtyChannels.clear();
    return out;
  }

  /** Channels and readings currently held (metrics; memory is bounded by the late window). */
  get held(): { channels: number; readings: number } {
    let readings = 0;
    for (const ch of this.channels.values()) readings += ch.points.length;
    return { channels: this.channels.size, readings };
  }

  /** Everything `restore` needs to continue exactly where this engine is: held points, open intervals, revisions. */
  snapshot(): EngineSnapshot {
    const channels: ChannelSnapshot[] = [];
    for (const ch of this.channels.values()) {
      channels.push({
        site: ch.site,
        meter: ch.meter,
        channel: ch.channel,
        role: ch.role,
        points: ch.points.map(encodePoint),
        openStart: [...ch.openStart],
        openEnd: [...ch.openEnd],
        revisions: ch.revisions.map((r) => [...r.entries()]),
        dirty: ch.dirty.map((d) => [...d]),
        nextTrim: ch.nextTrim,
      });
    }
    return { intervals: [...this.names], channels };
  }

  /** Replaces this engine's state with a snapshot's (taken by an engine with the same intervals). */
  restore(snapshot: EngineSnapshot): void {
    if (snapshot.intervals.join() !== this.names.join()) {
      throw new Error(`snapshot intervals ${snapshot.intervals.join()} differ from the engine's ${this.names.join()}`);
    }
    this.channels.clear();
    this.dirtyChannels.clear();
    for (const c of snapshot.channels) {
      const ch: ChannelState = {
        site: c.site,
        meter: c.meter,
        channel: c.channel,
        role: c.role,
        plan: this.planFor(c.site),
        points: c.points.map(decodePoint),
        openStart: [...c.openStart],
        openEnd: [...c.openEnd],
        revisions: c.revisions.map((r) => new Map(r)),
        dirty: c.dirty.map((d) => new Set(d)),
        nextTrim: c.nextTrim,
      };
      this.channels.set(`${c.site}/${c.meter}/${c.channel}`, ch);
      if (ch.dirty.some((d) => d.size > 0)) this.dirtyChannels.add(ch);
    }
  }

  private open(reading: Reading): ChannelState {
    const plan = this.planFor(reading.site);
    const starts = this.names.map((name) => intervalAt(name, reading.ts, plan.days));
    return {
      site: reading.site,
      meter: reading.meter,
      channel: reading.channel,
      role: reading.role,
      plan,
      points: [],
      openStart: starts.map((i) => i.start),
      openEnd: starts.map((i) => i.end),
      revisions: this.names.map(() => new Map()),
      dirty: this.names.map(() => new Set()),
      nextTrim: reading.ts + 3_600_000,
    };
  }

  /** A reading newer than all others closes every interval that ended at or before it. */
  private advance(ch: ChannelState, previous: Point | undefined, point: Point): void {
    const bridged = previous !== undefined && point.ts - previous.ts <= this.compute.max_interpolate_gap_ms;
    for (let n = 0; n < this.names.length; n++) {
      while ((ch.openEnd[n] as number) <= point.ts) {
        this.mark(ch, n, ch.openStart[n] as number);
        // Intervals wholly inside a gap too long to interpolate have nothing to report: jump over them.
        const from = bridged ? (ch.openEnd[n] as number) : Math.max(ch.openEnd[n] as number, point.ts);
        const next = intervalAt(this.names[n] as IntervalName, from, ch.plan.days);
        ch.openStart[n] = next.start;
        ch.openEnd[n] = next.end;
      }
    }
  }

  /** A late reading changes the segments on both sides of it: mark the closed intervals they cross. */
  private reopen(ch: ChannelState, before: Point | undefined, point: Point, after: Point | undefined): void {
    const gap = this.compute.max_interpolate_gap_ms;
    const from = before !== undefined && point.ts - before.ts <= gap ? before.ts : point.ts;
    const to = after !== undefined && after.ts - point.ts <= gap ? after.ts : point.ts;
    for (let n = 0; n < this.names.length; n++) {
      const name = this.names[n] as IntervalName;
      let interval = intervalAt(name, from, ch.plan.days);
      while ((interval.start < to || interval.start <= point.ts) && interval.start < (ch.openStart[n] as number)) {
        this.mark(ch, n, interval.start);
        interval = intervalAt(name, interval.end, ch.plan.days);
      }
    }
  }

  private mark(ch: ChannelState, n: number, start: number): void {
    (ch.dirty[n] as Set<number>).add(start);
    this.dirtyChannels.add(ch);
  }

  private record(ch: ChannelState, name: IntervalName, n: number, start: number): RollupRecord | undefined {
    const { end } = intervalAt(name, start, ch.plan.days);
    const figures = computeInterval(ch.points, start, end, ch.plan, this.compute);
    if (figures === null) return undefined;
    const revisions = ch.revisions[n] as Map<number, number>;
    const previous = revisions.get(start);
    const revision = previous === undefined ? 0 : previous + 1;
    revisions.set(start, revision);
    const { cost, ...rest } = figures;
    const standing = name === '1d' && ch.role === 'grid' ? (ch.plan.standingPerDay ?? null) : null;
    return {
      key: `${ch.site}/${ch.meter}/${ch.channel}/${name}/${start}`,
      site: ch.site,
      meter: ch.meter,
      channel: ch.channel,
      role: ch.role,
      interval: name,
      start,
      end,
      revision,
      ...rest,
      tariff: ch.plan.tariff ?? null,
      cost: { ...cost, standing },
    };
  }

  /** Forgets points and revisions no late reading can reach any more. */
  private trim(ch: ChannelState, newest: number): void {
    ch.nextTrim = newest + 3_600_000;
    // A late reading may reopen the local day it falls in, up to 25 h long.
    const cutoff = newest - this.lateWindow - DAY_MS - 3_600_000;
    const keepFrom = lastAtOrBefore(ch.points, cutoff);
    if (keepFrom > 0) ch.points = ch.points.slice(keepFrom);
    for (const revisions of ch.revisions) {
      for (const start of revisions.keys()) {
        if (start >= cutoff) break;
        revisions.delete(start);
      }
    }
  }
}
