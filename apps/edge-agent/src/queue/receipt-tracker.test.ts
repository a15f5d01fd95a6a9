import type { Receipt } from '@wattbus/contract';
import { describe, expect, it } from 'vitest';
import { ReceiptTracker } from './receipt-tracker.js';

const receipt = (consumer: string, ranges: Receipt['ranges']): Receipt => ({
  v: 1,
  site: 'house-1',
  consumer,
  ts: 1763800000000,
  ranges,
});

function tracker(consumers = ['sink-a'], timeoutMs = 1000, maxBackoffMs = 5000) {
  const completed: string[] = [];
  const t = new ReceiptTracker({ consumers, timeoutMs, maxBackoffMs }, (key) => completed.push(key));
  return { t, completed };
}

describe('ReceiptTracker', () => {
  it('completes a reading once its PUBACK came and every named consumer receipted it, in either order', () => {
    const { t, completed } = tracker(['sink-a', 'sink-b']);
    t.sent('k1', 'main', 'grid', 1);
    t.sent('k2', 'main', 'grid', 2);
    t.sent('k3', 'main', 'pv', 2);
    t.pubacked('k1');
    expect(t.receipt(receipt('sink-a', { main: { grid: [[1, 2]] } }))).toBe(0);
    expect(t.receipt(receipt('other', { main: { grid: [[1, 2]], pv: [[2, 2]] } }))).toBe(0);
    expect(t.receipt(receipt('sink-b', { main: { grid: [[1, 5]] } }))).toBe(1);
    expect(completed).toEqual(['k1']);
    t.pubacked('k2'); // receipted before its PUBACK
    expect(completed).toEqual(['k1', 'k2']);
    expect(t.size).toBe(1); // pv/2 is not covered by a grid range
  });

  it('takes ranges wider than what waits, and ones of unknown channels', () => {
    const { t, completed } = tracker();
    for (let seq = 1; seq <= 5; seq++) {
      t.sent(`k${seq}`, 'main', 'grid', seq);
      t.pubacked(`k${seq}`);
    }
    expect(
      t.receipt(receipt('sink-a', { main: { grid: [[0, 1_000_000]], x: [[1, 1]] }, other: { grid: [[1, 1]] } })),
    ).toBe(5);
    expect(completed).toEqual(['k1', 'k2', 'k3', 'k4', 'k5']);
    expect(t.size).toBe(0);
  });

  it('makes a reading overdue after the timeout, then doubles the wait per re-send up to the bound', () => {
    const { t } = tracker(['sink-a'], 1000, 3000);
    t.sent('k1', 'main', 'grid', 1);
    expect(t.overdue(10_000)).toEqual([]); // no PUBACK yet: mqtt.js resends it itself
    t.pubacked('k1', 0);
    expect(t.overdue(999)).toEqual([]);
    expect(t.overdue(1000)).toEqual(['k1']);
    expect(t.overdue(5000)).toEqual([]); // being sent again: no deadline until its PUBACK
    const waits: number[] = [];
    let now = 1000;
    for (let i = 0; i < 4; i++) {
      t.sent('k1', 'main', 'grid', 1);
      t.pubacked('k1', now);
      let due = now;
      while (t.overdue(due).length === 0) due += 100;
      waits.push(due - now);
      now = due;
    }
    expect(waits).toEqual([2000, 3000, 3000, 3000]);
    expect(t.resent).toBe(5);
  });

  it('forgets readings the queue dropped: their receipts complete nothing', () => {
    const { t, completed } = tracker();
    t.sent('k1', 'main', 'grid', 1);
    t.pubacked('k1');
    t.forget(['k1']);
    expect(t.receipt(receipt('sink-a', { main: { grid: [[1, 1]] } }))).toBe(0);
    expect(completed).toEqual([]);
    expect(t.size).toBe(0);
  });

  it('lets one of two copies of a seq wait: the older copy is complete', () => {
    const { t, completed } = tracker();
    t.sent('k1', 'main', 'grid', 7);
    t.sent('k9', 'main', 'grid', 7);
    expect(completed).toEqual(['k1']);
    t.pubacked('k9');
    t.receipt(receipt('sink-a', { main: { grid: [[7, 7]] } }));
    expect(completed).toEqual(['k1', 'k9']);
  });
});
