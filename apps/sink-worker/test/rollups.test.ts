import type { Reading } from '@wattbus/contract';
import { type InfluxdHandle, startApp, startInfluxd, startMosquitto, tempDir, waitFor } from '@wattbus/testkit';
import mqtt from 'mqtt';
import { expect, it } from 'vitest';

const MIN = 60_000;
/** Tuesday 2026-01-13 10:00 in Paris. */
const T0 = Date.UTC(2026, 0, 13, 9);
/** The grid meter's import index at minute m: rising by 10 or 11 Wh a minute, never evenly. */
const index = (m: number) => 10 * m + (m % 3);

interface Point {
  interval: string;
  minute: number;
  revision: number;
  energy: number;
}

async function storedRollups(influx: InfluxdHandle): Promise<Point[]> {
  const [result] = await influx
    .query('SELECT revision, energy_import_wh FROM "rollup" GROUP BY *', 'rollups', { epoch: 'ms' })
    .catch(() => []);
  return (result?.series ?? []).flatMap((series) =>
    (series.values ?? []).map(([time, revision, energy]) => ({
      interval: series.tags?.interval as string,
      minute: ((time as number) - T0) / MIN,
      revision: revision as number,
      energy: energy as number,
    })),
  );
}

it('rollup app and sink worker SIGKILLed mid-stream: InfluxDB holds each rollup once, final revision, energy = index delta', async () => {
  const [broker, influx, journal] = await Promise.all([startMosquitto(), startInfluxd(), tempDir('wattbus-rollup-j-')]);
  const rollupConfig = {
    mqtt: { url: broker.url },
    consumer: { id: 'rollup' },
    batch: { max_delay_ms: 50 },
    rollups: { late_window_ms: 3_600_000 },
    journal: { dir: journal.path },
    max_future_ms: 10 * 365 * 86_400_000,
  };
  const workerConfig = {
    mqtt: { url: broker.url },
    consumer: { id: 'sinks' },
    rollups: true,
    batch: { max_size: 50, max_delay_ms: 50 },
    retry: { min_ms: 100, max_ms: 500 },
    sinks: { influx: { url: influx.url, database: 'rollups', timeout_ms: 5000 } },
    max_future_ms: 10 * 365 * 86_400_000,
  };
  let rollupApp = await startApp('rollup', rollupConfig);
  let worker = await startApp('sink-worker', workerConfig);
  const agent = await mqtt.connectAsync(broker.url, { clientId: 'agent' });
  const send = (m: number) => {
    const reading: Reading = {
      v: 1,
      site: 'house-1',
      meter: 'main',
      channel: 'grid',
      role: 'grid',
      seq: m + 1,
      ts: T0 + m * MIN,
      values: { energy_import_wh: index(m), power_w: 600 },
    };
    return agent.publishAsync('wattbus/v1/house-1/main/reading', JSON.stringify(reading), { qos: 1 });
  };
  // Minute 12 is missing until the end: the rollups around it are first interpolated, then corrected.
  for (let m = 0; m <= 29; m++) if (m !== 12) await send(m);
  await waitFor(async () => (await storedRollups(influx)).some((p) => p.interval === '15m'), {
    what: 'the first quarter stored',
    timeoutMs: 30_000,
  }).catch((err) => {
    throw new Error(`${err.message}\n${worker.output().slice(-3000)}\n${rollupApp.output().slice(-2000)}`);
  });
  await Promise.all([rollupApp.kill9(), worker.kill9()]);
  for (let m = 30; m <= 59; m++) await send(m);
  [rollupApp, worker] = await Promise.all([startApp('rollup', rollupConfig), startApp('sink-worker', workerConfig)]);
  await send(60);
  // The hour is stored before the late reading corrects it (in one batch, both would make revision 0).
  await waitFor(async () => (await storedRollups(influx)).some((p) => p.interval === '1h'), {
    what: 'the hour stored',
    timeoutMs: 30_000,
  });
  await send(12);
  const expected: Point[] = [
    ...Array.from({ length: 60 }, (_, m) => ({
      interval: '1m',
      minute: m,
      revision: m === 11 || m === 12 ? 1 : 0,
      energy: index(m + 1) - index(m),
    })),
    ...[0, 15, 30, 45].map((q) => ({
      interval: '15m',
      minute: q,
      revision: q === 0 ? 1 : 0,
      energy: index(q + 15) - index(q),
    })),
    { interval: '1h', minute: 0, revision: 1, energy: index(60) - index(0) },
  ];
  const key = (p: Point) => `${p.interval}/${String(p.minute).padStart(2, '0')}`;
  const sorted = (ps: Point[]) => [...ps].sort((a, b) => key(a).localeCompare(key(b)));
  const stored = await waitFor(
    async () => {
      const points = await storedRollups(influx);
      const hour = points.find((p) => p.interval === '1h');
      return points.length === expected.length && hour?.revision === 1 ? points : undefined;
    },
    { what: 'every rollup at its final revision', timeoutMs: 60_000 },
  ).catch(async (err) => {
    const got = sorted(await storedRollups(influx)).map((p) => `${key(p)} r${p.revision} ${p.energy}`);
    throw new Error(
      `${err.message}\n${got.join('\n')}\n${worker.output().slice(-3000)}\n${rollupApp.output().slice(-3000)}`,
    );
  });
  expect(sorted(stored).map((p) => ({ ...p, energy: Math.round(p.energy * 1e9) / 1e9 }))).toEqual(sorted(expected));
  expect(await Promise.all([rollupApp.stop(), worker.stop()])).toEqual([0, 0]);
  await agent.endAsync();
  await Promise.all([broker.stop(), influx.stop(), journal.cleanup()]);
}, 180_000);
