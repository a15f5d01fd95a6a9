import { validateSection } from '@wattbus/config';
import { resourcesStarted } from '@wattbus/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { type ChannelSample, type MeterDriver, MeterReadError } from '../src/driver.js';
import { drivers } from '../src/registry.js';

/** A simulated device a meter config reaches, started by a driver's harness. */
export interface SimulatedDevice {
  /** The meter's `config:` as an operator writes it; the suite applies the schema's defaults, as the agent does. */
  config: Record<string, unknown>;
  stop(): Promise<void>;
}

/** How the shared suite reaches devices for one driver: the only part each driver's test file supplies. */
export interface DriverHarness {
  /** A device that answers every read. */
  working(): Promise<SimulatedDevice>;
  /** A device that the meter opens but whose reads fail: unreachable, silent, or without data. */
  failing(): Promise<SimulatedDevice>;
  /**
   * A device that takes a read and never answers, with a per-request timeout far beyond BOUND_MS. Left out by a
   * driver whose read does no I/O (its close during a read is then tried on the working device).
   */
  hanging?(): Promise<SimulatedDevice>;
}

const METER_ID = 'conformance';
/** A generous bound for what must not wait on a device: far above any healthy close, far below HANG_TIMEOUT_MS. */
const BOUND_MS = 5_000;
/** The per-request timeout a hanging device's config sets: a close that waited for it would overrun BOUND_MS. */
export const HANG_TIMEOUT_MS = 30_000;

const settled = (p: Promise<unknown>) =>
  p.then(
    () => 'resolved',
    () => 'rejected',
  );
const within = (p: Promise<unknown>, ms: number) =>
  Promise.race([settled(p), new Promise((resolve) => setTimeout(() => resolve('still pending'), ms).unref())]);

/**
 * The behaviour every registered driver must have, run against its real simulators (like the sinks' shared suite).
 * Each driver's file in test/conformance calls it with the driver's registry name.
 */
export function driverSuite(name: string, harness: DriverHarness, variant = ''): void {
  describe(`${name} driver${variant ? ` (${variant})` : ''} (shared suite)`, () => {
    const driver = drivers[name];
    if (!driver) throw new Error(`no driver "${name}" in the registry`);
    const cleanups: Array<() => Promise<unknown>> = [];
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    });

    const meterOn = async (device: () => Promise<SimulatedDevice>): Promise<MeterDriver> => {
      const { config, stop } = await device();
      cleanups.push(stop);
      const full = validateSection(config, driver.configSchema, { file: 'harness', path: 'config' });
      const meter = driver.create(full, { meterId: METER_ID });
      cleanups.push(() => meter.close());
      return meter;
    };

    it('create() does no I/O: open connects', async () => {
      const { config, stop } = await harness.working();
      await stop(); // the device's own sockets and timers must not count
      const full = validateSection(config, driver.configSchema, { file: 'harness', path: 'config' });
      expect(await resourcesStarted(() => driver.create(full, { meterId: METER_ID }))).toEqual([]);
    });

    it('reads samples of its declared channels and quantities only, finite, with their time', async () => {
      const meter = await meterOn(harness.working);
      await meter.open();
      const samples: ChannelSample[] = await meter.read(Date.now());
      await meter.close();
      expect(samples.length).toBeGreaterThan(0);
      const declared = new Map(meter.channels.map((c) => [c.id, new Set<string>(c.values)]));
      for (const sample of samples) {
        expect(declared.has(sample.channel), `channel ${sample.channel}`).toBe(true);
        expect(Number.isFinite(sample.ts) && sample.ts > Date.UTC(2000, 0, 1), `ts ${sample.ts}`).toBe(true);
        expect(Object.keys(sample.values).length).toBeGreaterThan(0);
        for (const [value, n] of Object.entries(sample.values)) {
          expect(declared.get(sample.channel)?.has(value), `${sample.channel} ${value}`).toBe(true);
          expect(Number.isFinite(n), `${sample.channel} ${value} = ${n}`).toBe(true);
        }
      }
    });

    it('a read from a failing device rejects with a MeterReadError naming the meter', async () => {
      const meter = await meterOn(harness.failing);
      await meter.open();
      const error = await meter.read(Date.now()).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(error).toBeInstanceOf(MeterReadError);
      expect((error as MeterReadError).meterId).toBe(METER_ID);
      expect((error as Error).message).toContain(METER_ID);
    });

    it('close() without open resolves, and so does a second close()', async () => {
      const meter = await meterOn(harness.working);
      await expect(meter.close()).resolves.toBeUndefined();
      await meter.open();
      await meter.close();
      await expect(meter.close()).resolves.toBeUndefined();
    });

    it('close() during a read finishes in bounded time, and so does the read', async () => {
      const meter = await meterOn(harness.hanging ?? harness.working);
      await meter.open();
      const read = settled(meter.read(Date.now()));
      await new Promise((resolve) => setTimeout(resolve, 100)); // the request is on its way to the device
      expect(await within(meter.close(), BOUND_MS)).toBe('resolved');
      expect(await within(read, BOUND_MS)).not.toBe('still pending');
    });
  });
}
