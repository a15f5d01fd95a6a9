import type { StoredReading } from '@wattbus/testkit';
import { expect, it, vi } from 'vitest';
import { account } from './accounting.js';
import { expectLossOnlyAtKills, type Result } from './scenario.js';

const KILL = 1_000_000;
const rows = (missing: number[]): StoredReading[] =>
  Array.from({ length: 40 }, (_, i) => i + 1)
    .filter((seq) => !missing.includes(seq))
    .map((seq) => ({
      tags: { site: 's', meter: 'm', channel: 'grid' },
      seq,
      ts: KILL - 2_000 + seq * 100,
      values: {},
    }));
const result = (missing: number[]): Result => ({
  ...account({ lastSeq: new Map([['s/m/grid', 40]]), dropped: 0 }, rows(missing)),
  queued: 0,
  scenario: 'unit',
  seed: 1,
  story: '',
  kills: [{ target: 'broker', at: KILL }],
  generated: 2_000, // pretend a long stream
});

it('accepts only readings made just before a SIGKILL as lost', () => {
  vi.spyOn(console, 'log').mockImplementation(() => {}); // its faults[…] lines are for real scenarios
  // seq 20 is made at KILL: the reading acknowledged as the broker died
  expect(() => expectLossOnlyAtKills(result([20]))).not.toThrow();
  // a run of readings (e.g. sent after the restart to a broker that forgot the session) is not explained
  expect(() => expectLossOnlyAtKills(result([20, 21, 22, 23, 24, 25]))).toThrow();
  // nor one made long before the kill
  expect(() => expectLossOnlyAtKills(result([5]))).toThrow();
  // agent: the gap must sit at the kill, the next stored reading made after it
  expect(() => expectLossOnlyAtKills(result([20]), undefined, { agent: true })).not.toThrow();
  expect(() => expectLossOnlyAtKills(result([15]))).not.toThrow();
  expect(() => expectLossOnlyAtKills(result([15]), undefined, { agent: true })).toThrow();
});

it('accepts a replayed backlog lost to a broker killed again soon after it came back, and only then', () => {
  vi.spyOn(console, 'log').mockImplementation(() => {});
  const run = [22, 23, 24, 25, 26, 27, 28, 29, 30]; // made at KILL + 200 … + 1,000: during the outage, then replayed
  const cutSoon = {
    ...result(run),
    kills: [
      { target: 'broker', at: KILL, back: KILL + 900 },
      { target: 'broker', at: KILL + 1_100 },
    ],
  };
  expect(() => expectLossOnlyAtKills(cutSoon)).not.toThrow();
  const cutLate = {
    ...result(run),
    kills: [
      { target: 'broker', at: KILL, back: KILL + 900 },
      { target: 'broker', at: KILL + 9_000 },
    ],
  };
  expect(() => expectLossOnlyAtKills(cutLate)).toThrow();
  expect(() => expectLossOnlyAtKills(cutSoon, undefined, { agent: true })).toThrow();
});
