import { type TempDir, tempDir } from '@wattbus/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DiskQueue } from './disk-queue.js';

const LIMITS = { maxMessages: 1000, maxAgeMs: 3_600_000 };
const msgs = (n: number, from = 0) => Array.from({ length: n }, (_, i) => ({ topic: 't', payload: `m${from + i}` }));

describe('DiskQueue', () => {
  let dir: TempDir;
  beforeEach(async () => {
    dir = await tempDir('wattbus-queue-');
  });
  afterEach(async () => {
    await dir.cleanup();
  });

  it('keeps messages and seq counters across a reopen, in order', async () => {
    const q = await DiskQueue.open(dir.path, LIMITS);
    expect([q.nextSeq('main', 'grid'), q.nextSeq('main', 'grid'), q.nextSeq('main', 'pv')]).toEqual([1, 2, 1]);
    await q.enqueue(msgs(3), 1000, {
      seqs: new Map([
        ['main/grid', 2],
        ['main/pv', 1],
      ]),
    });
    await q.close();

    const again = await DiskQueue.open(dir.path, LIMITS);
    expect(again.depth).toBe(3);
    expect((await again.read(undefined, 10)).map((m) => [m.payload, m.at])).toEqual([
      ['m0', 1000],
      ['m1', 1000],
      ['m2', 1000],
    ]);
    expect(again.nextSeq('main', 'grid')).toBe(3);
    expect(again.nextSeq('main', 'pv')).toBe(2);
    // new keys continue after the old ones
    const [next] = await again.enqueue(msgs(1, 3));
    expect((next?.key ?? '') > ((await again.read(undefined, 3))[2]?.key ?? '')).toBe(true);
    await again.close();
  });

  it('persists only the seqs of readings it stored: a seq handed out for a reading lost in a crash comes again', async () => {
    const q = await DiskQueue.open(dir.path, LIMITS);
    const a = q.nextSeq('a', 'grid');
    await q.enqueue(msgs(1), 1000, { seqs: new Map([['a/grid', a]]) });
    q.nextSeq('a', 'grid'); // meter a's next poll, not yet written…
    const b = q.nextSeq('b', 'grid');
    await q.enqueue(msgs(1, 1), 1000, { seqs: new Map([['b/grid', b]]) }); // …when meter b's readings are
    await q.close(); // the crash

    const again = await DiskQueue.open(dir.path, LIMITS);
    expect(again.nextSeq('a', 'grid')).toBe(2); // no gap in a's stored seqs
    expect(again.nextSeq('b', 'grid')).toBe(2);
    await again.close();
  });

  it("keeps each meter's latest driver checkpoint across a reopen, written with its readings", async () => {
    const q = await DiskQueue.open(dir.path, LIMITS);
    expect(q.savedCheckpoint('egauge')).toBeUndefined();
    await q.enqueue(msgs(1), 1000, { checkpoints: new Map([['egauge', { last_ts: 100 }]]) });
    await q.enqueue(msgs(1, 1), 1000, { checkpoints: new Map([['egauge', { last_ts: 160 }]]) });
    await q.enqueue(msgs(1, 2), 1000, { checkpoints: new Map([['other', [1, 'two']]]) });
    await q.close();

    const again = await DiskQueue.open(dir.path, LIMITS);
    expect(again.savedCheckpoint('egauge')).toEqual({ last_ts: 160 });
    expect(again.savedCheckpoint('other')).toEqual([1, 'two']);
    expect(again.depth).toBe(3);
    await again.close();
  });

  it('forgets a message only once it was sent and acknowledged', async () => {
    const q = await DiskQueue.open(dir.path, LIMITS);
    const [a, b] = await q.enqueue(msgs(2));
    q.ack((a as { key: string }).key); // not marked sent: ignored
    expect(q.depth).toBe(2);
    q.markSent((a as { key: string }).key);
    q.ack((a as { key: string }).key);
    q.ack((a as { key: string }).key); // twice: counted once
    expect(q.depth).toBe(1);
    await q.close();
    const again = await DiskQueue.open(dir.path, LIMITS);
    expect((await again.read(undefined, 10)).map((m) => m.key)).toEqual([(b as { key: string }).key]);
    await again.close();
  });

  it('drops the oldest messages past the limit, never one in flight nor a newer one in its place', async () => {
    const q = await DiskQueue.open(dir.path, { ...LIMITS, maxMessages: 5 });
    const first = await q.enqueue(msgs(3));
    q.markSent((first[0] as { key: string }).key); // in flight: never dropped, and leaves on its PUBACK
    const told: string[] = [];
    q.onDrop((keys) => told.push(...keys));
    await q.enqueue(msgs(4, 3)); // 7 queued, 2 over: of the oldest two, only m1 is not in flight
    expect(q.depth).toBe(6);
    expect(q.dropped).toBe(1);
    expect(told).toEqual([first[1]?.key]); // whoever holds them is told before they go
    expect((await q.read(undefined, 10)).map((m) => m.payload)).toEqual(['m0', 'm2', 'm3', 'm4', 'm5', 'm6']);
    await q.enqueue(msgs(1, 7)); // 7 queued again, 2 over: m0 still in flight, so m2 goes
    expect((await q.read(undefined, 10)).map((m) => m.payload)).toEqual(['m0', 'm3', 'm4', 'm5', 'm6', 'm7']);
    await q.close();
    const again = await DiskQueue.open(dir.path, LIMITS);
    expect(again.dropped).toBe(2);
    await again.close();
  });

  it('drops messages older than the age limit', async () => {
    const q = await DiskQueue.open(dir.path, { ...LIMITS, maxAgeMs: 1000 });
    await q.enqueue(msgs(2), 10_000);
    await q.enqueue(msgs(1, 2), 20_000);
    expect(await q.dropExpired(20_500)).toHaveLength(2);
    expect(q.depth).toBe(1);
    expect(q.dropped).toBe(2);
    expect(await q.oldestAgeMs(20_500)).toBe(500);
    await q.close();
  });
});
