import { validateReading } from '@wattbus/contract';
import { describe, expect, it } from 'vitest';
import type { ChannelSample } from './driver.js';
import { type PublishedChannel, toReading } from './reading.js';

const TS = Date.UTC(2025, 0, 15, 12);

function counter(start = 0) {
  let n = start;
  const next = () => ++n;
  return { next, used: () => n - start };
}

describe('toReading', () => {
  it('builds a contract Reading with role, seq, ts and values', () => {
    const seq = counter(41);
    const channel: PublishedChannel = { id: 'grid', role: 'grid', sign: 1 };
    const sample: ChannelSample = { channel: 'grid', ts: TS, values: { power_w: 812.5, voltage_v: 231.2 } };
    const reading = toReading('house-1', 'main', channel, sample, seq.next);
    expect(reading).toEqual({
      v: 1,
      site: 'house-1',
      meter: 'main',
      channel: 'grid',
      role: 'grid',
      seq: 42,
      ts: TS,
      values: { power_w: 812.5, voltage_v: 231.2 },
    });
    expect(reading).not.toHaveProperty('labels');
    expect(validateReading(reading)).toEqual({ ok: true, value: reading });
  });

  it('sign -1 flips power_w and reactive_power_var (with phases) but not energy, voltage or apparent power', () => {
    const channel: PublishedChannel = { id: 'production', role: 'production', sign: -1 };
    const sample: ChannelSample = {
      channel: 'production',
      ts: TS,
      values: {
        power_w: 2500,
        power_w_l1: 800,
        reactive_power_var: -120,
        apparent_power_va: 2600,
        energy_export_wh: 123456,
        energy_import_wh: 10,
        voltage_v: 232.1,
        current_a: 10.8,
        power_factor: 0.96,
      },
    };
    const reading = toReading('house-1', 'pv', channel, sample, counter().next);
    expect(reading?.values).toEqual({
      power_w: -2500,
      power_w_l1: -800,
      reactive_power_var: 120,
      apparent_power_va: 2600,
      energy_export_wh: 123456,
      energy_import_wh: 10,
      voltage_v: 232.1,
      current_a: 10.8,
      power_factor: 0.96,
    });
    expect(validateReading(reading).ok).toBe(true);
  });

  it('applies other sign factors to signed quantities only', () => {
    const channel: PublishedChannel = { id: 'grid', role: 'grid', sign: 2 };
    const sample: ChannelSample = { channel: 'grid', ts: TS, values: { power_w: -100, energy_import_wh: 5 } };
    expect(toReading('s', 'm', channel, sample, counter().next)?.values).toEqual({
      power_w: -200,
      energy_import_wh: 5,
    });
  });

  it('drops non-finite values and keeps the finite ones', () => {
    const seq = counter();
    const channel: PublishedChannel = { id: 'grid', role: 'grid', sign: -1 };
    const sample: ChannelSample = {
      channel: 'grid',
      ts: TS,
      values: {
        power_w: Number.NaN,
        reactive_power_var: Number.POSITIVE_INFINITY,
        voltage_v: Number.NEGATIVE_INFINITY,
        frequency_hz: 50.01,
        energy_import_wh: undefined,
        current_a: 0,
      },
    };
    const reading = toReading('s', 'm', channel, sample, seq.next);
    expect(reading?.values).toEqual({ frequency_hz: 50.01, current_a: 0 });
    expect(seq.used()).toBe(1);
    expect(JSON.parse(JSON.stringify(reading))).toEqual(reading);
  });

  it('makes no reading and consumes no seq when every value is dropped', () => {
    const seq = counter();
    const channel: PublishedChannel = { id: 'grid', role: 'grid', sign: 1 };
    const sample: ChannelSample = {
      channel: 'grid',
      ts: TS,
      values: { power_w: Number.NaN, voltage_v: Number.POSITIVE_INFINITY, energy_import_wh: undefined },
    };
    expect(toReading('s', 'm', channel, sample, seq.next)).toBeUndefined();
    expect(toReading('s', 'm', channel, { channel: 'grid', ts: TS, values: {} }, seq.next)).toBeUndefined();
    expect(seq.used()).toBe(0);
    // the next good sample gets the first seq
    expect(toReading('s', 'm', channel, { channel: 'grid', ts: TS, values: { power_w: 1 } }, seq.next)?.seq).toBe(1);
  });

  it('copies the labels, and leaves them out when empty', () => {
    const channel: PublishedChannel = { id: 'grid', role: 'grid', sign: 1 };
    const labels = { tariff: 'HP', serial: 'ISK-0042' };
    const reading = toReading(
      's',
      'm',
      channel,
      { channel: 'grid', ts: TS, values: { power_w: 1 }, labels },
      counter().next,
    );
    expect(reading?.labels).toEqual({ tariff: 'HP', serial: 'ISK-0042' });
    expect(validateReading(reading).ok).toBe(true);
    const bare = toReading('s', 'm', channel, { channel: 'grid', ts: TS, values: { power_w: 1 }, labels: {} }, () => 1);
    expect(bare).not.toHaveProperty('labels');
  });
});
