import { describe, expect, it } from 'vitest';
import { Debouncer, HOLD, OK, type Verdict } from './debounce.js';

const BAD: Verdict = { level: 'bad', message: 'bad', value: 1 };
const timing = { raise_after_s: 10, clear_after_s: 20 };

function run(steps: Array<[ts: number, v: Verdict]>) {
  const d = new Debouncer(() => undefined);
  const e = d.entry('s', 'm/c');
  const states: boolean[] = [];
  for (const [ts, v] of steps) {
    d.observe('s', 'm/c', e, ts, v, timing);
    states.push(e.open);
  }
  return { d, e, states };
}

describe('Debouncer', () => {
  it('raises after the condition held raise_after_s, with since = its start, and resolves after clear_after_s', () => {
    const { d, states } = run([
      [0, BAD],
      [9_999, BAD],
      [10_000, BAD],
      [15_000, OK],
      [34_999, OK],
    ]);
    expect(states).toEqual([false, false, true, true, true]);
    expect([...(d.open().get('s') ?? [])]).toEqual([['m/c', { since: 0, message: 'bad', value: 1 }]]);
    const { states: later } = run([
      [0, BAD],
      [10_000, BAD],
      [15_000, OK],
      [35_000, OK],
    ]);
    expect(later).toEqual([false, true, true, false]);
  });

  it('does not flap: an interrupted run starts over, and the hysteresis band neither raises nor clears', () => {
    const { states } = run([
      [0, BAD],
      [5_000, OK],
      [6_000, BAD],
      [15_000, BAD], // 9 s since the run restarted
      [16_000, BAD], // 10 s
      [20_000, OK],
      [30_000, HOLD], // breaks the ok run
      [45_000, OK],
      [64_000, OK], // 19 s
      [65_000, OK], // 20 s
    ]);
    expect(states).toEqual([false, false, false, false, true, true, true, true, true, false]);
  });
});
