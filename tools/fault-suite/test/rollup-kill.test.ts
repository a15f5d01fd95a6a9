import type { Reading } from '@wattbus/contract';
import { tempDir, waitFor } from '@wattbus/testkit';
import mqtt from 'mqtt';
import { expect, it } from 'vitest';
import { faultSeed, faultTimes, makeRng } from '../src/seed.js';
import { app, broker, type Faultable, influxd } from '../src/services.js';

const MIN = 60_000;
/** 2026-01-13 00:00 UTC: sites without a tariff are rolled up in UTC days. */
const T0 = Date.UTC(2026, 0, 13);
const CHANNELS = ['grid-a', 'grid-b'];
const STREAM_MS = 25_000;
/** One reading per channel every 40 ms of wall time, one minute of simulated time. */
const TICK_MS = 40;

interface Stored {
  key: string;
  revision: number;
  energy: number;
}

it('the rollup app and the sink worker SIGKILLed mid-stream: InfluxDB holds every closed rollup once, final revision, energy = index delta', async () => {
  const seed = faultSeed();
  const rng = makeRng(seed);
  console.log(`faults[rollup-kill] seed=${seed} (replay: WATTBUS_FAULT_SEED=${seed})`);
  const [b, influx, journal] = await Promise.all([broker('mosquitto'), influxd(), tempDir('wattbus-faults-rollup-')]);
  const mqttOptions = { url: b.url, reconnect_min_ms: 200, reconnect_max_ms: 1000, keepalive_s: 5 };
  const processes: Faultable[] = [];
  const story: string[] = [];
  const started = Date.now();
  try {
    const rollup = await app('rollup', 'rollup', {
      mqtt: mqttOptions,
      consumer: { id: 'rollup' },
      batch: { max_delay_ms: 50 },
      journal: { dir: journal.path, compact_bytes: 65_536 },
      max_future_ms: 10 * 365 * 86_400_000,
    });
    processes.push(rollup);
    const sink = await app('sink-worker', 'sink-worker', {
      mqtt: mqttOptions,
      consumer: { id: 'sinks' },
      rollups: true,
      batch: { max_size: 200, max_delay_ms: 50 },
      retry: { min_ms: 100, max_ms: 1000 },
      sinks: { influx: { url: influx.url, database: 'rollups', timeout_ms: 5000 } },
      max_future_ms: 10 * 365 * 86_400_000,
    });
    processes.push(sink);

    // Each channel's import index rises by a seeded 5–15 Wh a minute.
    const index = new Map(CHANNELS.map((c) => [c, [0]]));
    const agent = await mqtt.connectAsync(b.url, { clientId: 'rollup-agent' });
    let minutes = 0;
    const publishing = (async () => {
      for (const t = Date.now(); Date.now() - t < STREAM_MS; minutes++) {
        for (const channel of CHANNELS) {
          const series = index.get(channel) as number[];
          if (series.length <= minutes) series.push((series[minutes - 1] as number) + rng.int(5, 15));
          const reading: Reading = {
            v: 1,
            site: 'rollup-kill',
            meter: 'main',
            channel,
            role: 'grid',
            seq: minutes + 1,
            ts: T0 + minutes * MIN,
            values: { energy_import_wh: series[minutes] as number },
          };
          await agent.publishAsync('wattbus/v1/rollup-kill/main/reading', JSON.stringify(reading), { qos: 1 });
        }
        await new Promise((resolve) => setTimeout(resolve, TICK_MS));
      }
    })();
    for (const [i, at] of faultTimes(rng, 4, 3_000, 21_000, 4_000).entries()) {
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, at - (Date.now() - started))));
      const target = i % 2 === 0 ? rollup : sink;
      const downMs = rng.int(300, 2_500);
      story.push(`+${((Date.now() - started) / 1000).toFixed(1)}s SIGKILL ${target.name}, down ${downMs} ms`);
      await target.kill9();
      await new Promise((resolve) => setTimeout(resolve, downMs));
      await target.up();
    }
    await publishing;
    await agent.endAsync();

    // Every interval closed by the last reading (minute `minutes - 1`), with its index delta.
    const expected = new Map<string, Stored>();
    const last = minutes - 1;
    for (const channel of CHANNELS) {
      const series = index.get(channel) as number[];
      for (const [interval, length] of [
        ['1m', 1],
        ['15m', 15],
        ['1h', 60],
        ['1d', 1440],
      ] as const) {
        for (let start = 0; start + length <= last; start += length) {
          const key = `rollup-kill/main/${channel}/${interval}/${T0 + start * MIN}`;
          expected.set(key, {
            key,
            revision: 0,
            energy: (series[start + length] as number) - (series[start] as number),
          });
        }
      }
    }
    const read = async (): Promise<Stored[]> => {
      const [result] = await influx
        .query('SELECT revision, energy_import_wh FROM "rollup" GROUP BY *', 'rollups', { epoch: 'ms' })
        .catch(() => []);
      return (result?.series ?? []).flatMap((s) =>
        (s.values ?? []).map(([time, revision, energy]) => ({
          key: `${s.tags?.site}/${s.tags?.meter}/${s.tags?.channel}/${s.tags?.interval}/${time}`,
          revision: revision as number,
          energy: energy as number,
        })),
      );
    };
    const stored = await waitFor(
      async () => {
        const rows = await read();
        return rows.length >= expected.size ? rows : undefined;
      },
      { what: 'every closed rollup in InfluxDB', timeoutMs: 60_000 },
    ).catch(async () => read());
    const missing = [...expected.keys()].filter((k) => !stored.some((s) => s.key === k));
    const unexpected = stored.filter((s) => !expected.has(s.key));
    const wrongRevision = stored.filter((s) => expected.has(s.key) && s.revision !== 0);
    const wrongEnergy = stored.filter((s) => {
      const e = expected.get(s.key);
      return e !== undefined && Math.abs(s.energy - e.energy) > 1e-9;
    });
    console.log(
      `faults[rollup-kill] seed=${seed} readings=${minutes * CHANNELS.length} rollups_expected=${expected.size} stored=${stored.length} missing=${missing.length} unexpected=${unexpected.length} wrong_revision=${wrongRevision.length} wrong_energy=${wrongEnergy.length}`,
    );
    expect(
      { missing, unexpected, wrongRevision, wrongEnergy, stored: stored.length },
      `what happened:\n${story.join('\n')}`,
    ).toEqual({ missing: [], unexpected: [], wrongRevision: [], wrongEnergy: [], stored: expected.size });
    expect(expected.size).toBeGreaterThan(500);
  } finally {
    await Promise.all(processes.map((p) => p.dispose()));
    await Promise.all([b.dispose(), influx.dispose(), journal.cleanup()]);
  }
}, 180_000);
