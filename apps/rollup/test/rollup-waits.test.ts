import type { RollupReceipt } from '@wattbus/contract';
import type { RollupRecord } from '@wattbus/energy';
import { describe, expect, it } from 'vitest';
import { RollupWaits } from '../src/rollup-waits.js';

const T = Date.UTC(2026, 0, 13, 9);
const MIN = 60_000;
const record = (m: number, revision = 0): RollupRecord =>
  ({
    key: `house-1/main/grid/1m/${T + m * MIN}`,
    site: 'house-1',
    interval: '1m',
    start: T + m * MIN,
    revision,
  }) as RollupRecord;
const receipt = (consumer: string, pairs: Array<[number, number]>): RollupReceipt => ({
  v: 1,
  site: 'house-1',
  consumer,
  ts: 0,
  rollups: { main: { grid: { '1m': pairs.map(([m, revision]) => [T + m * MIN, revision]) } } },
});

function waits(consumers = ['sink-a', 'sink-b']) {
  const done: number[] = [];
  const w = new RollupWaits({ consumers, timeoutMs: 1000, maxBackoffMs: 3000 }, (drain) => done.push(drain));
  return { w, done };
}

describe('RollupWaits', () => {
  it('completes a drain once every named consumer has receipted each of its rollups', () => {
    const { w, done } = waits();
    w.sent(0, [record(0), record(1)], 0);
    w.receipt(
      receipt('sink-a', [
        [0, 0],
        [1, 0],
      ]),
    );
    w.receipt(
      receipt('other', [
        [0, 0],
        [1, 0],
      ]),
    );
    w.receipt(receipt('sink-b', [[0, 0]]));
    expect([done, w.size]).toEqual([[], 1]);
    w.receipt(receipt('sink-b', [[1, 0]]));
    expect([done, w.size]).toEqual([[0], 0]);
  });

  it('takes a newer revision as a receipt of an older one, never the reverse', () => {
    const { w, done } = waits(['sink-a']);
    w.sent(0, [record(0, 1)], 0);
    w.receipt(receipt('sink-a', [[0, 0]]));
    expect(done).toEqual([]);
    w.receipt(receipt('sink-a', [[0, 2]]));
    expect(done).toEqual([0]);
  });

  it('lets a newer revision take its key’s place, so the older is never sent again', () => {
    const { w, done } = waits(['sink-a']);
    const old = record(0, 0);
    w.sent(0, [old, record(1)], 0);
    const newer = record(0, 1);
    w.sent(1, [newer], 0);
    expect(w.waits(old)).toBe(false);
    expect(w.waits(newer)).toBe(true);
    w.receipt(receipt('sink-a', [[1, 0]]));
    expect(done).toEqual([0]); // drain 0: minute 1 receipted, minute 0 superseded
    // A journal replay sending the older revision again after the newer: it waits for nothing.
    w.sent(2, [record(0, 0)], 0);
    expect([done, w.size]).toEqual([[0, 2], 1]);
    expect(w.overdue(10_000)).toEqual([newer]);
  });

  it('re-sends overdue rollups with the wait doubling up to the bound', () => {
    const { w } = waits(['sink-a']);
    const r = record(0);
    w.sent(0, [r], 0);
    const resentAt: number[] = [];
    for (let now = 0; now <= 12_000; now += 100) if (w.overdue(now).length > 0) resentAt.push(now);
    // due 1000; then waits of 2000, 3000 (bounded), 3000…
    expect(resentAt).toEqual([1000, 3000, 6000, 9000, 12_000]);
    expect(w.resent).toBe(5);
  });
});
