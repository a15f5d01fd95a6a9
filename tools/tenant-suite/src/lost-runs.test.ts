import type { Reading } from '@wattbus/contract';
import { expect, it } from 'vitest';
import { lostRuns } from './lost-runs.js';

const r = (channel: string, seq: number): Reading => ({
  v: 1,
  site: 'house-13',
  meter: 'main',
  channel,
  role: 'grid',
  seq,
  ts: 1_000 + seq * 200,
  values: { power_w: 1 },
  labels: {},
});

it('collapses consecutive seqs per channel into runs with their times', () => {
  expect(lostRuns([r('c2', 7), r('c1', 3), r('c1', 1), r('c1', 2), r('c1', 5)], 1_000)).toEqual([
    'c1 seq 1-3 (+0.2s..+0.6s)',
    'c1 seq 5-5 (+1.0s..+1.0s)',
    'c2 seq 7-7 (+1.4s..+1.4s)',
  ]);
  expect(lostRuns([], 0)).toEqual([]);
});
