import { parseTopic, type Reading, validateReading } from '@wattbus/contract';
import { describe, expect, it } from 'vitest';
import { HouseholdFleet } from './fleet.js';
import { type Clock, dueCount, type Publisher, runLoad } from './run.js';

/** A virtual clock: sleeping advances time at once, so pacing is tested without waiting. */
function fakeClock(startWall = Date.UTC(2026, 5, 21, 12)): Clock & { t: number } {
  const clock = {
    t: 0,
    now: () => clock.t,
    wall: () => startWall + Math.floor(clock.t),
    // advances at once, but yields a macrotask so other work (acks, the test) runs in between
    sleep: async (ms: number) => {
      clock.t += ms;
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
  return clock;
}

interface Published {
  topic: string;
  payload: string;
  qos: 0 | 1;
  at: number;
}

/** Records publishes and acks each one at once (or never, with `ack: false`). */
function fakeClient(clock: Clock, ack = true): Publisher & { published: Published[] } {
  const published: Published[] = [];
  return {
    published,
    publish(topic, payload, { qos }, callback) {
      published.push({ topic, payload, qos, at: clock.now() });
      if (ack) queueMicrotask(() => callback());
    },
  };
}

describe('HouseholdFleet', () => {
  it('names sites load-0001… with meters main, sub-1…, and PV on every third household', () => {
    const fleet = new HouseholdFleet({ households: 4, metersPerHousehold: 2 });
    expect(fleet.meters.map((m) => `${m.site}/${m.meter}`)).toEqual([
      'load-0001/main',
      'load-0001/sub-1',
      'load-0002/main',
      'load-0002/sub-1',
      'load-0003/main',
      'load-0003/sub-1',
      'load-0004/main',
      'load-0004/sub-1',
    ]);
    // households 1 and 4 have PV on their main meter: 3 channels; every other meter has 2
    expect(fleet.readingsPerRound).toBe(2 * 3 + 6 * 2);
    expect(new HouseholdFleet({ households: 12_345, sitePrefix: 'x' }).meters[0]?.site).toBe('x-00001');
  });

  it('rejects a bad size', () => {
    expect(() => new HouseholdFleet({ households: 0 })).toThrow(/households/);
    expect(() => new HouseholdFleet({ households: 1, metersPerHousehold: 1.5 })).toThrow(/metersPerHousehold/);
  });

  it('reads meters in turn, with ts = now and a seq per channel from 1, never repeating a ts', async () => {
    const fleet = new HouseholdFleet({ households: 2 });
    const t = Date.UTC(2026, 5, 21, 12);
    const a = await fleet.next(t);
    const b = await fleet.next(t);
    const c = await fleet.next(t); // household 1 again, same clock: ts moves on by 1 ms
    expect(a.topic).toBe('wattbus/v1/load-0001/main/reading');
    expect(b.topic).toBe('wattbus/v1/load-0002/main/reading');
    expect(a.readings.map((r) => [r.channel, r.role, r.seq, r.ts])).toEqual([
      ['consumption', 'consumption', 1, t],
      ['production', 'production', 1, t],
      ['grid', 'grid', 1, t],
    ]);
    expect(b.readings.map((r) => r.channel)).toEqual(['consumption', 'grid']);
    expect(c.readings.map((r) => [r.seq, r.ts])).toEqual([
      [2, t + 1],
      [2, t + 1],
      [2, t + 1],
    ]);
    for (const r of [...a.readings, ...b.readings, ...c.readings]) expect(validateReading(r).ok).toBe(true);
  });
});

describe('dueCount', () => {
  it('counts reading i as due at i / rate', () => {
    expect(dueCount(0, 1000, 100)).toBe(1);
    expect(dueCount(0.999, 1000, 100)).toBe(1);
    expect(dueCount(1, 1000, 100)).toBe(2);
    expect(dueCount(50, 1000, 100)).toBe(51);
    expect(dueCount(10_000, 1000, 100)).toBe(100);
    expect(dueCount(-1, 1000, 100)).toBe(0);
    expect(dueCount(0, Number.POSITIVE_INFINITY, 100)).toBe(100);
  });
});

describe('runLoad', () => {
  it('publishes exactly count valid readings, QoS 1, on their reading topics, with contiguous seq', async () => {
    const clock = fakeClock();
    const client = fakeClient(clock);
    const fleet = new HouseholdFleet({ households: 5, metersPerHousehold: 2 });
    const summary = await runLoad({ fleet, client, rate: 2000, count: 1234, clock });
    expect(summary).toMatchObject({ sent: 1234, acked: 1234, failed: 0, households: 5, meters: 10, qos: 1 });
    expect(client.published).toHaveLength(1234);
    const lastSeq = new Map<string, number>();
    for (const p of client.published) {
      expect(p.qos).toBe(1);
      const reading = JSON.parse(p.payload) as Reading;
      const check = validateReading(reading);
      expect(check.ok, JSON.stringify(check)).toBe(true);
      expect(parseTopic(p.topic)).toEqual({ kind: 'reading', site: reading.site, meter: reading.meter });
      const key = `${reading.site}/${reading.meter}/${reading.channel}`;
      expect(reading.seq).toBe((lastSeq.get(key) ?? 0) + 1);
      lastSeq.set(key, reading.seq);
    }
    expect(lastSeq.size).toBe(5 * 2 * 2 + 2); // household 1 and 4 have a production channel
  });

  it('paces by count: reading i leaves at i / rate, and the run lasts count / rate', async () => {
    const clock = fakeClock();
    const client = fakeClient(clock);
    const fleet = new HouseholdFleet({ households: 50 });
    const summary = await runLoad({ fleet, client, rate: 500, durationMs: 4000, clock });
    expect(summary.sent).toBe(2000);
    for (const [i, p] of client.published.entries()) {
      expect(p.at).toBeGreaterThanOrEqual((i * 1000) / 500);
      expect(p.at).toBeLessThan((i * 1000) / 500 + 2); // within a timer tick of its slot
    }
    expect(summary.elapsed_s).toBeCloseTo(4, 1);
    expect(summary.rate).toBeGreaterThan(480); // the last PUBACK is waited for
    expect(summary.rate).toBeLessThanOrEqual(500.5);
    expect(summary.max_behind).toBeLessThanOrEqual(2);
    // timestamps are the time of measurement: the clock when the meter was read
    const first = JSON.parse(client.published[0]?.payload ?? '{}') as Reading;
    const last = JSON.parse(client.published.at(-1)?.payload ?? '{}') as Reading;
    expect(last.ts - first.ts).toBeGreaterThan(3900);
  });

  it('catches up after a stall instead of drifting, and holds at most `window` unacked', async () => {
    const clock = fakeClock();
    const acks: Array<() => void> = [];
    const published: number[] = [];
    const client: Publisher = {
      publish(_t, _p, _o, callback) {
        published.push(clock.now());
        acks.push(() => callback());
      },
    };
    const fleet = new HouseholdFleet({ households: 10 });
    const run = runLoad({ fleet, client, rate: 1000, count: 300, window: 100, clock });
    // nothing is acked for a while: the generator stops at the window
    for (let i = 0; i < 1000; i++) await new Promise((r) => setImmediate(r));
    expect(published.length).toBe(100);
    // then the broker acks everything: what is owed goes out at once, up to the window again
    const release = () => {
      for (const ack of acks.splice(0)) ack();
    };
    while (published.length < 300 || acks.length > 0) {
      release();
      await new Promise((r) => setImmediate(r));
    }
    const summary = await run;
    expect(summary).toMatchObject({ sent: 300, acked: 300, failed: 0 });
    expect(summary.max_behind).toBeGreaterThan(100);
  });

  it('counts failed publishes and supports QoS 0', async () => {
    const clock = fakeClock();
    let n = 0;
    const client: Publisher = {
      publish(_t, _p, { qos }, callback) {
        expect(qos).toBe(0);
        queueMicrotask(() => callback(++n % 10 === 0 ? new Error('boom') : undefined));
      },
    };
    const summary = await runLoad({
      fleet: new HouseholdFleet({ households: 3 }),
      client,
      rate: 100,
      count: 50,
      qos: 0,
      clock,
    });
    expect(summary).toMatchObject({ sent: 50, acked: 45, failed: 5, qos: 0 });
  });

  it('stops on abort and rejects a run without an end', async () => {
    const clock = fakeClock();
    const controller = new AbortController();
    const client = fakeClient(clock);
    const fleet = new HouseholdFleet({ households: 3 });
    const run = runLoad({ fleet, client, rate: 100, count: 1000, clock, signal: controller.signal });
    await new Promise((r) => setImmediate(r));
    controller.abort();
    const summary = await run;
    expect(summary.sent).toBeLessThan(1000);
    await expect(runLoad({ fleet, client, rate: 100, clock })).rejects.toThrow(/count or a duration/);
    await expect(runLoad({ fleet, client, rate: 0, count: 1, clock })).rejects.toThrow(/rate/);
  });
});
