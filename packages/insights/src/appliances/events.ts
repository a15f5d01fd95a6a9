/**
 * On/off events from 1-second power: a step is where the median of the next few seconds differs from the median
 * of the previous few by more than both a floor and a multiple of the local noise, kept only where that difference
 * peaks (so one step gives one event however many windows straddle it). Medians make it robust to spikes; the
 * noise is estimated from the samples themselves, so a noisy large load needs a larger step than a quiet one.
 */

export interface StepEvent {
  /** Seconds since the start of the series. */
  t_s: number;
  /** Power after minus power before, W: > 0 switches something on, < 0 off. */
  delta_w: number;
  /** Power level before the step, W. */
  before_w: number;
}

export interface EventOptions {
  /** Samples on each side of a candidate step (default 5). */
  window_s?: number;
  /** Smallest step reported, W (default 60). */
  min_step_w?: number;
  /** A step must exceed this many noise standard deviations (default 5). */
  noise_factor?: number;
}

export interface EventResult {
  events: StepEvent[];
  /** Seconds whose sample was missing (null or not finite); no event is reported across them. */
  gap_s: number;
}

/** Noise is estimated over this many windows on each side, so a handful of samples cannot fake a quiet line. */
const NOISE_SPAN = 4;

function median(values: number[]): number {
  const sorted = values.slice().sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Noise standard deviation from first differences (MAD based, so a step inside the window barely moves it). */
function noiseSigma(samples: number[]): number {
  const diffs: number[] = [];
  if (samples.length < 3) return 0;
  for (let i = 1; i < samples.length; i++) diffs.push((samples[i] as number) - (samples[i - 1] as number));
  const m = median(diffs);
  return (1.4826 * median(diffs.map((d) => Math.abs(d - m)))) / Math.SQRT2;
}

export function detectEvents(power_w: ArrayLike<number | null>, options: EventOptions = {}): EventResult {
  const w = options.window_s ?? 5;
  const minStep = options.min_step_w ?? 60;
  const factor = options.noise_factor ?? 5;
  const n = power_w.length;
  const ok = (i: number) => {
    const v = power_w[i];
    return typeof v === 'number' && Number.isFinite(v);
  };
  /** The present samples of [from, to), clipped to the series. */
  const around = (from: number, to: number) => {
    const out: number[] = [];
    for (let j = Math.max(0, from); j < Math.min(n, to); j++) if (ok(j)) out.push(power_w[j] as number);
    return out;
  };
  let gap_s = 0;
  for (let i = 0; i < n; i++) if (!ok(i)) gap_s++;

  // Step strength at each i (the step between i-1 and i), 0 where a window has a gap or it is below threshold.
  const strength = new Float64Array(n);
  const delta = new Float64Array(n);
  const before = new Float64Array(n);
  let missingInWindow = 0;
  for (let i = 0; i < Math.min(n, 2 * w); i++) if (!ok(i)) missingInWindow++;
  for (let i = w; i + w <= n; i++) {
    if (i > w) {
      if (!ok(i - w - 1)) missingInWindow--;
      if (!ok(i + w - 1)) missingInWindow++;
    }
    if (missingInWindow > 0) continue;
    const left: number[] = [];
    const right: number[] = [];
    for (let j = i - w; j < i; j++) left.push(power_w[j] as number);
    for (let j = i; j < i + w; j++) right.push(power_w[j] as number);
    const d = median(right) - median(left);
    if (Math.abs(d) < minStep) continue;
    const sigma = Math.max(noiseSigma(around(i - NOISE_SPAN * w, i)), noiseSigma(around(i, i + NOISE_SPAN * w)));
    if (Math.abs(d) < Math.max(minStep, factor * sigma)) continue;
    strength[i] = Math.abs(d);
    delta[i] = d;
    before[i] = median(left);
  }

  const events: StepEvent[] = [];
  for (let i = 0; i < n; i++) {
    const s = strength[i] as number;
    if (s === 0) continue;
    let peak = true;
    for (let j = Math.max(0, i - w); j <= Math.min(n - 1, i + w) && peak; j++) {
      const other = strength[j] as number;
      // Ties go to the earliest index so a flat plateau of equal strengths yields one event.
      if (other > s || (other === s && j < i)) peak = false;
    }
    if (!peak) continue;
    // Medians hold the full step for a couple of seconds either side of it: the step itself is the largest
    // one-second change in its direction near the peak.
    const sign = Math.sign(delta[i] as number);
    let t_s = i;
    let steepest = Number.NEGATIVE_INFINITY;
    for (let j = Math.max(1, i - w + 1); j < Math.min(n, i + w); j++) {
      const change = sign * ((power_w[j] as number) - (power_w[j - 1] as number));
      if (change > steepest) {
        steepest = change;
        t_s = j;
      }
    }
    events.push({ t_s, delta_w: delta[i] as number, before_w: before[i] as number });
  }
  return { events, gap_s };
}
