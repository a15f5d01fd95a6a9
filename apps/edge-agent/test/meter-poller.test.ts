import { type Reading, validateReading } from '@wattbus/contract';
import { MeterReadError, PartialReadError } from '@wattbus/meters';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { MeterConfig } from '../src/config.js';
import { channelsFor, MeterPoller } from '../src/meter-poller.js';
import { agentConfig, FakeDriver, type FakeDriverScript } from './helpers.js';

const T0 = Date.UTC(2025, 5, 1, 8, 0, 0);

function setup(script: FakeDriverScript = {}, meter: Partial<MeterConfig> = {}) {
  const config = agentConfig([{ id: 'main', driver: 'fake', interval_ms: 1000, ...meter }]);
  const driver = new FakeDriver(script);
  const readings: Reading[] = [];
  const batches: number[] = [];
  const errors: Array<{ meter: string; error: Error }> = [];
  const seqs = new Map<string, number>();
  const poller = new MeterPoller('house-1', config.meters[0] as MeterConfig, driver, {
    readings: (list) => {
      batches.push(list.length);
      readings.push(...list);
    },
    error: (meter, error) => errors.push({ meter, error }),
    nextSeq: (meterId, channel) => {
      const key = `${meterId}/${channel}`;
      const seq = (seqs.get(key) ?? 0) + 1;
      seqs.set(key, seq);
      return seq;
    },
  });
  return { poller, driver, readings, batches, errors };
}

describe('MeterPoller.pollOnce', () => {
  it('opens the driver once, reads, and hands one batch of valid readings to the hooks', async () => {
    const { poller, driver, readings, batches, errors } = setup();
    expect(await poller.pollOnce(T0)).toBe(1);
    expect(await poller.pollOnce(T0 + 1000)).toBe(1);
    expect(driver.calls).toEqual(['open', 'read', 'read']);
    expect(driver.readTimes).toEqual([T0, T0 + 1000]);
    expect(errors).toEqual([]);
    expect(batches).toEqual([1, 1]);
    expect(readings.map((r) => [r.channel, r.role, r.seq, r.ts])).toEqual([
      ['grid', 'grid', 1, T0],
      ['grid', 'grid', 2, T0 + 1000],
    ]);
    for (const r of readings) expect(validateReading(r).ok).toBe(true);
    expect(poller.health).toEqual({ reads_ok: 2, read_errors: 0, last_ok_ts: T0 + 1000 });
    await poller.stop();
    expect(driver.calls.at(-1)).toBe('close');
  });

  it('counts a failed read, names the meter in last_error, and recovers on the next read', async () => {
    const { poller, readings, errors } = setup({
      read: (now, attempt) => {
        if (attempt === 2) throw new Error('modbus timeout after 500 ms');
        if (attempt === 3) throw new MeterReadError('main', 'CRC mismatch');
        return [{ channel: 'grid', ts: now, values: { power_w: attempt } }];
      },
    });
    expect(await poller.pollOnce(T0)).toBe(1);
    expect(await poller.pollOnce(T0 + 1000)).toBe(0);
    expect(poller.health).toEqual({
      reads_ok: 1,
      read_errors: 1,
      last_ok_ts: T0,
      last_error: 'meter main: modbus timeout after 500 ms',
    });
    expect(errors).toHaveLength(1);
    expect(errors[0]?.meter).toBe('main');
    expect(errors[0]?.error).toBeInstanceOf(MeterReadError);
    expect(errors[0]?.error.message).toBe('meter main: modbus timeout after 500 ms');

    expect(await poller.pollOnce(T0 + 2000)).toBe(0);
    expect(poller.health.read_errors).toBe(2);
    expect(poller.health.last_error).toBe('meter main: CRC mismatch');
    expect(errors.map((e) => e.error.message)).toEqual([
      'meter main: modbus timeout after 500 ms',
      'meter main: CRC mismatch',
    ]);

    expect(await poller.pollOnce(T0 + 3000)).toBe(1);
    expect(poller.health.reads_ok).toBe(2);
    expect(poller.health.read_errors).toBe(2);
    expect(poller.health.last_ok_ts).toBe(T0 + 3000);
    // failed reads consumed no seq: the readings that were made are numbered without gaps
    expect(readings.map((r) => [r.seq, r.ts, r.values.power_w])).toEqual([
      [1, T0, 1],
      [2, T0 + 3000, 4],
    ]);
  });

  it('publishes the channels a partly failed read got, and counts the read as failed', async () => {
    const { poller, readings, errors } = setup({
      channels: [
        { id: 'grid', values: ['power_w'] },
        { id: 'production', values: ['power_w'] },
      ],
      read: (now) => {
        throw new PartialReadError(
          'main',
          [{ channel: 'grid', ts: now, values: { power_w: 42 } }],
          'channel production: no data',
        );
      },
    });
    expect(await poller.pollOnce(T0)).toBe(1);
    expect(readings.map((r) => [r.channel, r.seq, r.values.power_w])).toEqual([['grid', 1, 42]]);
    expect(errors.map((e) => e.error.message)).toEqual(['meter main: channel production: no data']);
    expect(poller.health).toEqual({
      reads_ok: 0,
      read_errors: 1,
      last_error: 'meter main: channel production: no data',
    });
  });

  it('retries a failed open() on the next poll, and does not reopen once open', async () => {
    const { poller, driver, readings, errors } = setup({
      open: (attempt) => {
        if (attempt === 1) throw new Error('connect ECONNREFUSED 192.168.1.50:502');
      },
    });
    expect(await poller.pollOnce(T0)).toBe(0);
    expect(driver.calls).toEqual(['open']);
    expect(poller.health.read_errors).toBe(1);
    expect(poller.health.last_error).toBe('meter main: connect ECONNREFUSED 192.168.1.50:502');
    expect(errors.map((e) => e.meter)).toEqual(['main']);

    expect(await poller.pollOnce(T0 + 1000)).toBe(1);
    expect(await poller.pollOnce(T0 + 2000)).toBe(1);
    expect(driver.calls).toEqual(['open', 'open', 'read', 'read']);
    expect(readings.map((r) => r.seq)).toEqual([1, 2]);
    expect(poller.health).toMatchObject({ reads_ok: 2, read_errors: 1 });
    await poller.stop();
    expect(driver.calls.at(-1)).toBe('close');
  });

  it('does not close a driver that never opened', async () => {
    const { poller, driver } = setup({
      open: () => {
        throw new Error('no such device /dev/ttyUSB0');
      },
    });
    await poller.pollOnce(T0);
    await poller.stop();
    expect(driver.calls).toEqual(['open']);
  });

  it('publishes only the configured channels, with their role and sign, counting seq per channel', async () => {
    const { poller, readings } = setup(
      {
        channels: [
          { id: 'grid', values: ['power_w'] },
          { id: 'production', values: ['power_w'] },
          { id: 'spare', values: ['power_w'] },
        ],
        read: (now) => [
          { channel: 'grid', ts: now, values: { power_w: 300 } },
          { channel: 'production', ts: now, values: { power_w: 1200, energy_export_wh: 50 } },
          { channel: 'spare', ts: now, values: { power_w: 7 } },
        ],
      },
      {
        channels: [
          { id: 'production', role: 'production', sign: -1 },
          { id: 'grid', role: 'grid', sign: 1 },
        ],
      },
    );
    expect(await poller.pollOnce(T0)).toBe(2);
    expect(await poller.pollOnce(T0 + 1000)).toBe(2);
    expect(readings.map((r) => [r.channel, r.role, r.seq, r.values])).toEqual([
      ['grid', 'grid', 1, { power_w: 300 }],
      ['production', 'production', 1, { power_w: -1200, energy_export_wh: 50 }],
      ['grid', 'grid', 2, { power_w: 300 }],
      ['production', 'production', 2, { power_w: -1200, energy_export_wh: 50 }],
    ]);
  });

  it('hands no batch when every value of every sample is non-finite', async () => {
    const { poller, batches, readings } = setup({
      read: (now) => [{ channel: 'grid', ts: now, values: { power_w: Number.NaN } }],
    });
    expect(await poller.pollOnce(T0)).toBe(0);
    expect(batches).toEqual([]);
    expect(readings).toEqual([]);
    expect(poller.health.reads_ok).toBe(1);
  });
});

describe('channelsFor', () => {
  it('defaults to every driver channel with a role from its id and sign 1', () => {
    const [meter] = agentConfig([{ id: 'm' }]).meters;
    const driver = new FakeDriver({
      channels: [
        { id: 'consumption', values: ['power_w'] },
        { id: 'heat-pump', values: ['power_w'] },
      ],
    });
    expect(channelsFor(meter as MeterConfig, driver)).toEqual([
      { id: 'consumption', role: 'consumption', sign: 1 },
      { id: 'heat-pump', role: 'other', sign: 1 },
    ]);
  });
});

describe('MeterPoller timer', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('polls once per interval, aligned to its multiples, with strictly increasing ts', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    vi.setSystemTime(T0 + 250);
    const { poller, driver, readings } = setup({}, { interval_ms: 1000 });
    poller.start();
    await vi.advanceTimersByTimeAsync(4_000);
    await poller.stop();
    expect(driver.readTimes).toEqual([T0 + 1000, T0 + 2000, T0 + 3000, T0 + 4000]);
    expect(readings.map((r) => r.ts)).toEqual(driver.readTimes);
    expect(readings.map((r) => r.seq)).toEqual([1, 2, 3, 4]);
  });

  it('keeps ts strictly increasing, and keeps polling, when the clock steps back', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    vi.setSystemTime(T0 + 10);
    const { poller, readings } = setup({}, { interval_ms: 1000 });
    poller.start();
    await vi.advanceTimersByTimeAsync(3_000);
    expect(readings).toHaveLength(3);
    // NTP steps the clock back by 5 minutes
    vi.setSystemTime(Date.now() - 5 * 60_000);
    await vi.advanceTimersByTimeAsync(5_000);
    await poller.stop();
    const ts = readings.map((r) => r.ts);
    for (let i = 1; i < ts.length; i++) expect(ts[i], `ts[${i}] after ${ts[i - 1]}`).toBeGreaterThan(ts[i - 1] ?? 0);
    // about one read per second goes on after the step
    expect(readings.length).toBeGreaterThanOrEqual(7);
    expect(readings.map((r) => r.seq)).toEqual(readings.map((_, i) => i + 1));
  });

  it('skips a tick while a slow read is still running instead of piling reads up', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    vi.setSystemTime(T0 + 10);
    let inFlight = 0;
    let maxInFlight = 0;
    const config = agentConfig([{ id: 'slow', driver: 'fake', interval_ms: 1000 }]);
    const driver = new FakeDriver();
    const slowRead = driver.read.bind(driver);
    driver.read = async (now) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, 2500));
      inFlight--;
      return slowRead(now);
    };
    const got: Reading[] = [];
    const poller = new MeterPoller('house-1', config.meters[0] as MeterConfig, driver, {
      readings: (list) => got.push(...list),
      error: () => {},
      nextSeq: () => got.length + 1,
    });
    poller.start();
    await vi.advanceTimersByTimeAsync(10_100);
    // stop waits for the read in flight (started at 10 s, done at 12.5 s) and starts no other
    const stopped = poller.stop();
    await vi.advanceTimersByTimeAsync(5_000);
    await stopped;
    expect(maxInFlight).toBe(1);
    // reads start at 1 s, 4 s, 7 s and 10 s: the ticks at 2-3 s, 5-6 s and 8-9 s find a read still running
    expect(driver.readTimes).toEqual([T0 + 1000, T0 + 4000, T0 + 7000, T0 + 10_000]);
    expect(got.map((r) => r.ts)).toEqual(driver.readTimes);
    expect(driver.calls.at(-1)).toBe('close');
  });
});
