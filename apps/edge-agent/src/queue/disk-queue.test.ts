import { join } from 'node:path';
import { type TempDir, tempDir, waitFor } from '@wattbus/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type SmallDisk, smallDisk } from '../../test/tmpfs.js';
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

describe('DiskQueue on a disk that fills up', () => {
  let disk: SmallDisk;
  beforeEach(async () => {
    disk = await smallDisk('8m');
  });
  afterEach(async () => {
    await disk.unmount();
  });

  /** Enqueues m<n>, m<n+1>, … one at a time, recording the payloads the queue accepted. */
  function feeder(q: DiskQueue) {
    const accepted: string[] = [];
    let n = 0;
    const next = () =>
      q.enqueue(msgs(1, n++)).then(
        (queued) => accepted.push(...queued.map((m) => m.payload)) > 0,
        () => false,
      );
    return { accepted, next };
  }

  it('loses nothing it accepted, before the disk filled or once it takes writes again', async () => {
    const dir = join(disk.path, 'queue');
    const q = await DiskQueue.open(dir, LIMITS, { recheckMs: 100 });
    const feed = feeder(q);
    for (let i = 0; i < 10; i++) expect(await feed.next()).toBe(true);
    disk.fill();
    while (await feed.next()); // LevelDB's log takes a few more into its last page
    disk.free();
    // The failed write may have left a torn record at the end of LevelDB's log: whatever the queue accepts
    // after it must still be there when the database is opened again.
    await waitFor(() => feed.next(), { what: 'a write accepted again' });
    for (let i = 0; i < 5; i++) expect(await feed.next()).toBe(true);
    await q.close();

    const again = await DiskQueue.open(dir, LIMITS);
    expect((await again.read(undefined, 1000)).map((m) => m.payload)).toEqual(feed.accepted);
    await again.close();
  });

  it('says once that it cannot write, still hands out what it holds, and writes its deletes once it can', async () => {
    const dir = join(disk.path, 'queue');
    const q = await DiskQueue.open(dir, LIMITS, { recheckMs: 100 });
    const states: Array<string | undefined> = [];
    q.onWriteState((error) => states.push(error));
    const feed = feeder(q);
    for (let i = 0; i < 10; i++) await feed.next();
    disk.fill();
    while (await feed.next());
    expect(await feed.next()).toBe(false);
    expect(states).toEqual([expect.stringMatching(/no space left on device/i)]);
    expect(q.writeProblem).toBe(states[0]);
    // The acknowledged ones cannot be deleted yet, and are not handed out again.
    const sent = await q.read(undefined, 3);
    for (const m of sent) q.markSent(m.key);
    for (const m of sent) q.ack(m.key);
    expect(q.depth).toBe(feed.accepted.length - 3);
    expect((await q.read(undefined, 1))[0]?.payload).toBe('m3');

    disk.free();
    await waitFor(() => states.length === 2, { what: 'the queue writable again' });
    expect(states[1]).toBeUndefined();
    expect(q.writeProblem).toBeUndefined();
    expect(q.undeleted).toBe(0);
    await q.close();
    const again = await DiskQueue.open(dir, LIMITS);
    expect((await again.read(undefined, 1000)).map((m) => m.payload)).toEqual(feed.accepted.slice(3));
    await again.close();
  });

  it('says why it cannot open on a full disk', async () => {
    const dir = join(disk.path, 'queue');
    const q = await DiskQueue.open(dir, LIMITS);
    await q.enqueue(msgs(50));
    await q.close();
    disk.fill();
    await expect(DiskQueue.open(dir, LIMITS)).rejects.toThrow(
      new RegExp(`^cannot open the queue in ${dir}: .*no space left on device`, 'i'),
    );
  });

  it('closes without an error while it cannot write the deletes of acknowledged messages', async () => {
    const dir = join(disk.path, 'queue');
    const q = await DiskQueue.open(dir, LIMITS);
    await q.enqueue(msgs(3));
    disk.fill();
    while (
      await q.enqueue(msgs(1)).then(
        () => true,
        () => false,
      )
    );
    const [first] = await q.read(undefined, 1);
    q.markSent((first as { key: string }).key);
    q.ack((first as { key: string }).key);
    await q.close();
    expect(q.undeleted).toBe(1); // sent again after a restart: at least once
  });
});
