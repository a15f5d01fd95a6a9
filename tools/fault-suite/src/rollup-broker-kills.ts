import type { Reading } from '@wattbus/contract';
import { tempDir, waitFor } from '@wattbus/testkit';
import mqtt from 'mqtt';
import { expect } from 'vitest';
import { ReceiptingPublisher } from './receipting-publisher.js';
import { faultSeed, faultTimes, makeRng } from './seed.js';
import { app, type BrokerKind, broker, type Faultable, influxd } from './services.js';

const MIN = 60_000;
/** 2026-01-13 00:00 UTC: sites without a tariff are rolled up in UTC days. */
const T0 = Date.UTC(2026, 0, 13);
const SITE = 'rollup-broker';
const CHANNELS = ['grid-a', 'grid-b'];
const STREAM_MS = 30_000;
/** One reading per channel every 40 ms of wall time, one minute of simulated time. */
const TICK_MS = 40;
const KILLS = 5;
const MIN_UP_MS = 2_000;
/** Receipt timeouts as in the reading receipt scenarios: re-send after 2 s, doubling up to 8 s. */
const DELIVERY = { receipt_timeout_ms: 2_000, max_backoff_ms: 8_000 };
const LATE = 10 * 365 * 86_400_000;

interface StoredRollup {
  key: string;
  revision: number;
  energy: number;
  coverage: number;
  estimated: number;
}

export interface RollupBrokerKillOptions {
  scenario: string;
  broker: BrokerKind;
  /** mosquitto.conf lines (persistence settings). */
  brokerConfig?: string;
}

/**
 * A broker SIGKILLed 5 times while a hand-made stream (2 channels, a reading per simulated minute, seeded index steps
 * of 5–15 Wh) flows through `wattbus-rollup` (journal on, waiting for the sink worker's rollup receipts, receipting
 * its readings) and a sink worker with `rollups: true` into influxd; the stream's publisher keeps each reading until
 * the rollup app has receipted it, as an agent listing `rollup` in `delivery.receipts_from` does. Then every rollup
 * the last reading closed must be in InfluxDB once, with the energy of the index delta, at its final revision:
 * complete (coverage 1, nothing estimated) and no older than any revision seen on MQTT.
 */
export async function runRollupBrokerKills(options: RollupBrokerKillOptions): Promise<void> {
  const { scenario } = options;
  const seed = faultSeed();
  const rng = makeRng(seed);
  console.log(`faults[${scenario}] seed=${seed} (replay: WATTBUS_FAULT_SEED=${seed})`);
  const [b, influx, journal] = await Promise.all([
    broker(options.broker, options.brokerConfig),
    influxd(),
    tempDir('wattbus-faults-rollup-'),
  ]);
  const mqttOptions = { url: b.url, reconnect_min_ms: 200, reconnect_max_ms: 1000, keepalive_s: 5 };
  const processes: Faultable[] = [];
  const story: string[] = [];
  let observer: mqtt.MqttClient | undefined;
  let publisher: ReceiptingPublisher | undefined;
  try {
    const rollup = await app('rollup', 'rollup', {
      mqtt: mqttOptions,
      consumer: { id: 'rollup' },
      batch: { max_delay_ms: 50 },
      receipts: { interval_ms: 200 },
      delivery: { receipts_from: ['sinks'], ...DELIVERY },
      journal: { dir: journal.path, compact_bytes: 65_536 },
      max_future_ms: LATE,
    });
    processes.push(rollup);
    const sink = await app('sink-worker', 'sink-worker', {
      mqtt: mqttOptions,
      consumer: { id: 'sinks' },
      rollups: true,
      receipts: { interval_ms: 200 },
      batch: { max_size: 200, max_delay_ms: 50 },
      retry: { min_ms: 100, max_ms: 1000 },
      sinks: { influx: { url: influx.url, database: 'rollups', timeout_ms: 5000 } },
      max_future_ms: LATE,
    });
    processes.push(sink);

    // The newest revision of each rollup seen on MQTT (a lower bound of what the app emitted: a crash may hide one).
    const seen = new Map<string, number>();
    observer = await mqtt.connectAsync(b.url, { clientId: `${scenario}-observer`, reconnectPeriod: 200 });
    observer.on('message', (_, payload) => {
      const { key, revision } = JSON.parse(payload.toString()) as { key: string; revision: number };
      seen.set(key, Math.max(revision, seen.get(key) ?? 0));
    });
    observer.on('connect', () => observer?.subscribe('wattbus/v1/+/rollup/+', { qos: 1 }));
    await observer.subscribeAsync('wattbus/v1/+/rollup/+', { qos: 1 });

    const index = new Map(CHANNELS.map((c) => [c, [0]]));
    const agent = await ReceiptingPublisher.connect(b.url, SITE, ['rollup'], {
      timeoutMs: DELIVERY.receipt_timeout_ms,
      maxBackoffMs: DELIVERY.max_backoff_ms,
    });
    publisher = agent;
    let minutes = 0;
    const started = Date.now();
    // The stream goes on STREAM_MS, and while the kills last, and a few seconds after the broker's last return.
    let streamUntil = started + STREAM_MS;
    let killing = true;
    const publishing = (async () => {
      for (; killing || Date.now() < streamUntil; minutes++) {
        for (const channel of CHANNELS) {
          const series = index.get(channel) as number[];
          if (series.length <= minutes) series.push((series[minutes - 1] as number) + rng.int(5, 15));
          const reading: Reading = {
            v: 1,
            site: SITE,
            meter: 'main',
            channel,
            role: 'grid',
            seq: minutes + 1,
            ts: T0 + minutes * MIN,
            values: { energy_import_wh: series[minutes] as number },
          };
          await agent.publish(reading);
        }
        await new Promise((resolve) => setTimeout(resolve, TICK_MS));
      }
    })();
    let back = 0;
    for (const at of faultTimes(rng, KILLS, 3_000, STREAM_MS - 4_000, 2_500)) {
      // A broker restart can take longer than the gap: each kill leaves it up at least MIN_UP_MS.
      const wait = Math.max(at - (Date.now() - started), back + MIN_UP_MS - Date.now());
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, wait)));
      const downMs = rng.int(300, 2_500);
      story.push(
        `+${((Date.now() - started) / 1000).toFixed(1)}s SIGKILL ${b.name} at minute ${minutes}, down ${downMs} ms, ${agent.unreceipted} readings unreceipted`,
      );
      await b.kill9();
      await new Promise((resolve) => setTimeout(resolve, downMs));
      await b.up();
      back = Date.now();
      streamUntil = Math.max(streamUntil, back + 3_000);
      story.push(`+${((Date.now() - started) / 1000).toFixed(1)}s ${b.name} back`);
    }
    killing = false;
    await publishing;
    await waitFor(() => agent.unreceipted === 0, {
      what: 'every reading receipted by the rollup app',
      timeoutMs: 120_000,
    }).catch(() => story.push(`readings never receipted by the rollup app: ${agent.unreceipted}`));

    // Every interval closed by the last reading (minute `minutes - 1`), with its index delta.
    const expected = new Map<string, number>();
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
          const key = `${SITE}/main/${channel}/${interval}/${T0 + start * MIN}`;
          expected.set(key, (series[start + length] as number) - (series[start] as number));
        }
      }
    }
    const read = async (): Promise<StoredRollup[]> => {
      const [result] = await influx
        .query('SELECT revision, energy_import_wh, coverage, estimated_ms FROM "rollup" GROUP BY *', 'rollups', {
          epoch: 'ms',
        })
        .catch(() => []);
      return (result?.series ?? []).flatMap((s) =>
        (s.values ?? []).map(([time, revision, energy, coverage, estimated]) => ({
          key: `${s.tags?.site}/${s.tags?.meter}/${s.tags?.channel}/${s.tags?.interval}/${time}`,
          revision: revision as number,
          energy: energy as number,
          coverage: coverage as number,
          estimated: estimated as number,
        })),
      );
    };
    const judge = (stored: StoredRollup[]) => {
      const byKey = new Map(stored.map((s) => [s.key, s]));
      return {
        missing: [...expected.keys()].filter((k) => !byKey.has(k)),
        unexpected: stored.filter((s) => !expected.has(s.key)).map((s) => s.key),
        wrongEnergy: stored.filter((s) => {
          const e = expected.get(s.key);
          return e !== undefined && Math.abs(s.energy - e) > 1e-9;
        }),
        notFinal: stored.filter((s) => s.coverage !== 1 || s.estimated !== 0 || s.revision < (seen.get(s.key) ?? 0)),
        stored: stored.length,
      };
    };
    // Until the stores hold the final figures (receipts and re-sends take a few timeouts after the last kill).
    const stored = await waitFor(
      async () => {
        const rows = await read();
        const v = judge(rows);
        return v.missing.length + v.unexpected.length + v.wrongEnergy.length + v.notFinal.length === 0
          ? rows
          : undefined;
      },
      { what: 'every closed rollup in InfluxDB, final', timeoutMs: 90_000 },
    ).catch(async () => read());
    const verdict = judge(stored);
    const revised = stored.filter((s) => s.revision > 0).length;
    const rollupsResent = Math.max(
      0,
      ...[...rollup.output().matchAll(/"resent_total":(\d+)/g)].map((m) => Number(m[1])),
    );
    console.log(
      `faults[${scenario}] seed=${seed} kills=${KILLS} readings=${minutes * CHANNELS.length} readings_resent=${agent.resent} rollups_resent=${rollupsResent} rollups_expected=${expected.size} stored=${verdict.stored} revised=${revised} missing=${verdict.missing.length} unexpected=${verdict.unexpected.length} wrong_energy=${verdict.wrongEnergy.length} not_final=${verdict.notFinal.length}`,
    );
    console.log(`faults[${scenario}] what happened:\n${story.join('\n')}`);
    expect(verdict, `what happened:\n${story.join('\n')}`).toEqual({
      missing: [],
      unexpected: [],
      wrongEnergy: [],
      notFinal: [],
      stored: expected.size,
    });
    expect(story.filter((line) => line.includes('SIGKILL'))).toHaveLength(KILLS);
    expect(expected.size).toBeGreaterThan(300);
  } finally {
    await Promise.all([publisher?.close(), observer?.endAsync(true)]);
    await Promise.all(processes.map((p) => p.dispose()));
    await Promise.all([b.dispose(), influx.dispose(), journal.cleanup()]);
  }
}
