/**
 * Appliance signatures of one household: on and off events are paired into runs (an off event closes the most
 * recent open on event of about the same size), and runs are clustered by step size and duration, so a 2 kW kettle
 * (minutes) and a 2 kW washing-machine heater (a quarter of an hour) become two signatures. Each signature keeps
 * its energy over the time observed, hence its energy per day. The state is plain JSON and survives restarts,
 * open runs included.
 */
import type { StepEvent } from './events.js';

export interface Signature {
  id: string;
  /** Mean step, W. */
  step_w: number;
  /** Geometric mean run length, s. */
  duration_s: number;
  runs: number;
  energy_wh: number;
}

interface OpenRun {
  t_ms: number;
  step_w: number;
}

export interface ApplianceState {
  version: 1;
  signatures: Signature[];
  open: OpenRun[];
  next_id: number;
  /** Seconds of power seen, gaps excluded. */
  observed_s: number;
  /** Off events no open run matched. */
  unmatched_off: number;
}

export interface ApplianceEstimate {
  signature: string;
  step_w: number;
  duration_s: number;
  runs_per_day: number;
  energy_wh_per_day: number;
}

/** One paired run and the signature it went to. */
export interface RunAssignment {
  on_ms: number;
  off_ms: number;
  step_w: number;
  signature: string;
}

export interface SignatureOptions {
  /** Largest relative difference between an on and its off, and between a run and a signature (default 0.12). */
  step_tolerance?: number;
  /** Largest duration ratio between a run and a signature (default 3). */
  duration_ratio?: number;
  /** An open run older than this is dropped as never closed (default 12 h). */
  max_run_s?: number;
}

export type StateLoad = { ok: true; model: ApplianceModel } | { ok: false; status: string };

const emptyState = (): ApplianceState => ({
  version: 1,
  signatures: [],
  open: [],
  next_id: 1,
  observed_s: 0,
  unmatched_off: 0,
});

export class ApplianceModel {
  private readonly state: ApplianceState;
  private readonly stepTol: number;
  private readonly logDurTol: number;
  private readonly maxRunMs: number;

  constructor(options: SignatureOptions = {}, state: ApplianceState = emptyState()) {
    this.state = structuredClone(state);
    this.stepTol = options.step_tolerance ?? 0.12;
    this.logDurTol = Math.log(options.duration_ratio ?? 3);
    this.maxRunMs = (options.max_run_s ?? 12 * 3600) * 1000;
  }

  /** A model from `toJSON()` output; anything else gives a status, not a throw. */
  static fromJSON(json: unknown, options: SignatureOptions = {}): StateLoad {
    const s = json as Partial<ApplianceState> | null;
    if (!s || typeof s !== 'object' || s.version !== 1) return { ok: false, status: 'unknown appliance state version' };
    if (!Array.isArray(s.signatures) || !Array.isArray(s.open))
      return { ok: false, status: 'malformed appliance state' };
    const finite = (x: unknown) => typeof x === 'number' && Number.isFinite(x);
    if (![s.next_id, s.observed_s, s.unmatched_off].every(finite))
      return { ok: false, status: 'malformed appliance state' };
    const goodSig = (g: Signature) =>
      typeof g?.id === 'string' && [g.step_w, g.duration_s, g.runs, g.energy_wh].every(finite);
    if (!s.signatures.every(goodSig) || !s.open.every((o) => finite(o?.t_ms) && finite(o?.step_w)))
      return { ok: false, status: 'malformed appliance state' };
    return { ok: true, model: new ApplianceModel(options, s as ApplianceState) };
  }

  toJSON(): ApplianceState {
    return structuredClone(this.state);
  }

  /**
   * Feeds the events of `observed_s` seconds of power starting at `start_ms` (gaps excluded from `observed_s`).
   * Returns the runs closed by these events.
   */
  ingest(events: readonly StepEvent[], start_ms: number, observed_s: number): RunAssignment[] {
    this.state.observed_s += observed_s;
    const closed: RunAssignment[] = [];
    for (const e of events) {
      const t_ms = start_ms + e.t_s * 1000;
      this.state.open = this.state.open.filter((o) => t_ms - o.t_ms <= this.maxRunMs);
      if (e.delta_w > 0) {
        this.state.open.push({ t_ms, step_w: e.delta_w });
        continue;
      }
      const off = -e.delta_w;
      let match = -1;
      for (let i = this.state.open.length - 1; i >= 0 && match < 0; i--) {
        if (this.close((this.state.open[i] as OpenRun).step_w, off)) match = i;
      }
      if (match < 0) {
        this.state.unmatched_off++;
        continue;
      }
      const [on] = this.state.open.splice(match, 1) as [OpenRun];
      const step = (on.step_w + off) / 2;
      const duration_s = Math.max(1, (t_ms - on.t_ms) / 1000);
      const signature = this.assign(step, duration_s);
      closed.push({ on_ms: on.t_ms, off_ms: t_ms, step_w: step, signature: signature.id });
    }
    return closed;
  }

  /** Each signature's mean energy per day over the time observed, largest first. */
  estimates(): ApplianceEstimate[] {
    const days = this.state.observed_s / 86_400;
    if (days <= 0) return [];
    return this.state.signatures
      .map((g) => ({
        signature: g.id,
        step_w: Math.round(g.step_w),
        duration_s: Math.round(g.duration_s),
        runs_per_day: g.runs / days,
        energy_wh_per_day: g.energy_wh / days,
      }))
      .sort((a, b) => b.energy_wh_per_day - a.energy_wh_per_day);
  }

  private close(a: number, b: number): boolean {
    return Math.abs(a - b) <= this.stepTol * Math.max(a, b);
  }

  private assign(step_w: number, duration_s: number): Signature {
    let best: Signature | undefined;
    let bestDistance = Number.POSITIVE_INFINITY;
    for (const g of this.state.signatures) {
      const ds = Math.abs(Math.log(step_w / g.step_w)) / Math.log(1 + this.stepTol);
      const dd = Math.abs(Math.log(duration_s / g.duration_s)) / this.logDurTol;
      const distance = Math.max(ds, dd);
      if (distance <= 1 && distance < bestDistance) {
        best = g;
        bestDistance = distance;
      }
    }
    if (!best) {
      best = { id: `sig-${this.state.next_id++}`, step_w, duration_s, runs: 0, energy_wh: 0 };
      this.state.signatures.push(best);
    }
    const n = best.runs;
    best.step_w = (best.step_w * n + step_w) / (n + 1);
    best.duration_s = Math.exp((Math.log(best.duration_s) * n + Math.log(duration_s)) / (n + 1));
    best.runs = n + 1;
    best.energy_wh += (step_w * duration_s) / 3600;
    return best;
  }
}
