import { describe, expect, it } from 'vitest';
import { detectEvents } from './events.js';

/** Deterministic noise in [-1, 1). */
const noise = (i: number) => (Math.abs(Math.sin(i * 12.9898) * 43758.5453) % 1) * 2 - 1 || 0;

/** Standby with the given steps (second, watts), plus ±`amplitude` W of noise. */
function series(seconds: number, steps: [number, number][], amplitude = 4): number[] {
  const out: number[] = [];
  let level = 80;
  for (let s = 0; s < seconds; s++) {
    for (const [t, w] of steps) if (t === s) level += w;
    out.push(level + amplitude * noise(s));
  }
  return out;
}

describe('detectEvents', () => {
  it('finds each step once, at its second, with its size and sign', () => {
    const power = series(600, [
      [100, 120],
      [200, 2000],
      [380, -2000],
      [500, -120],
    ]);
    const { events, gap_s } = detectEvents(power);
    expect(gap_s).toBe(0);
    expect(events.map((e) => e.t_s)).toEqual([100, 200, 380, 500]);
    const expected = [120, 2000, -2000, -120];
    for (const [k, e] of events.entries()) expect(Math.abs(e.delta_w - (expected[k] as number))).toBeLessThan(10);
    expect(Math.round(events[1]?.before_w ?? 0)).toBeGreaterThan(190);
  });

  it('ignores single-second spikes and steps below the floor', () => {
    const power = series(400, [[150, 40]]);
    power[250] = (power[250] as number) + 1500;
    power[300] = (power[300] as number) - 900;
    expect(detectEvents(power).events).toEqual([]);
  });

  it('needs a larger step where the load is noisy', () => {
    const quiet = series(400, [[200, 150]], 3);
    const noisy = series(400, [[200, 150]], 120);
    expect(detectEvents(quiet).events).toHaveLength(1);
    expect(detectEvents(noisy).events).toHaveLength(0);
  });

  it('reports no event across a gap and counts the missing seconds', () => {
    const power: (number | null)[] = series(400, [
      [100, 500],
      [300, -500],
    ]);
    for (let s = 295; s < 305; s++) power[s] = null;
    power[200] = Number.NaN;
    const { events, gap_s } = detectEvents(power);
    expect(gap_s).toBe(11);
    expect(events.map((e) => e.t_s)).toEqual([100]);
    expect(detectEvents([null, null, null]).events).toEqual([]);
    expect(detectEvents([]).events).toEqual([]);
  });
});
