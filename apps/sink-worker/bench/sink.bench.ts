// Readings/s from mosquitto into a real influxd, draining a backlog of N readings held for a persistent
// session, for three consumers measured in the same run:
//   - the wattbus sink worker (batches, writes to InfluxDB, PUBACK after the write),
//   - a raw mqtt.js QoS1 subscriber that writes nothing (the ceiling),
//   - a naive consumer like prior-art 003: one InfluxDB write per message, then its ack.
// The backlog is made by the load generator (simulated households); the raw and naive consumers are the
// ones `pnpm bench:e2e` (tools/bench) uses. Each rate runs from the consumer's connection (the raw
// subscriber: its first message) to its last message handled (the worker: written), so one-time start-up
// work (opening the stores, loading the site infos) is not counted as throughput. Target: the sink worker at ≥ 0.8 of the ceiling.

import { queueBacklog, startNaiveConsumer, startRawSubscriber } from '@wattbus/bench';
import { parseConfig } from '@wattbus/config';
import { readStoredReadings, startInfluxd, startMosquitto } from '@wattbus/testkit';
import { pino } from 'pino';
import { SinkWorkerConfigSchema } from '../src/config.js';
import { SinkWorker } from '../src/worker.js';

const N = Number(process.env.SINK_N ?? 200_000);
const N_NAIVE = Number(process.env.SINK_N_NAIVE ?? 2_000);
// The broker's in-flight window for MQTT 3.1.1 subscribers, as deploy/mosquitto/mosquitto.conf sets it
// (mosquitto's default is 20); override with SINK_MAX_INFLIGHT to see its effect. SINK_BATCH and
// SINK_WORKER_IN_FLIGHT override the worker's batch.max_size and consumer.max_in_flight.
const window = Number(process.env.SINK_MAX_INFLIGHT ?? 20_000);
const [broker, influx] = await Promise.all([
  startMosquitto({ extraConfig: `max_inflight_messages ${window}` }),
  startInfluxd(),
]);

async function rawCeiling(): Promise<number> {
  await queueBacklog(broker.url, 'raw', N);
  const raw = await startRawSubscriber({ url: broker.url, clientId: 'raw' });
  await raw.reached(N);
  // From its first message (its CONNACK comes just before) to its last.
  const rate = N / (((raw.lastAt as number) - (raw.firstAt as number)) / 1000);
  await raw.stop();
  return rate;
}

async function sinkWorker(): Promise<number> {
  await queueBacklog(broker.url, 'sink-worker', N);
  const config = parseConfig(
    JSON.stringify({
      mqtt: { url: broker.url, protocol_version: Number(process.env.SINK_MQTT_VERSION ?? 4) },
      consumer: {
        id: 'sink-worker',
        ...(process.env.SINK_WORKER_IN_FLIGHT && { max_in_flight: Number(process.env.SINK_WORKER_IN_FLIGHT) }),
      },
      ...(process.env.SINK_BATCH && { batch: { max_size: Number(process.env.SINK_BATCH) } }),
      sinks: { influx: { url: influx.url, database: 'bench' } },
    }),
    SinkWorkerConfigSchema,
  );
  const worker = new SinkWorker(config, pino({ level: 'warn' }));
  await worker.start();
  const start = performance.now();
  const written = async () => (await worker.metrics.written.get()).values.reduce((s, v) => s + v.value, 0);
  while ((await written()) < N) await new Promise((r) => setTimeout(r, 10));
  const rate = N / ((performance.now() - start) / 1000);
  await worker.stop();
  const stored = (await readStoredReadings(influx, 'bench')).length;
  if (stored !== N) throw new Error(`sink worker stored ${stored} of ${N}`);
  return rate;
}

async function naive(): Promise<number> {
  await queueBacklog(broker.url, 'naive', N_NAIVE);
  await influx.createDatabase('naive');
  const start = performance.now();
  const consumer = await startNaiveConsumer({ url: broker.url, clientId: 'naive', influxUrl: influx.url, db: 'naive' });
  await consumer.reached(N_NAIVE);
  const rate = N_NAIVE / ((performance.now() - start) / 1000);
  await consumer.stop();
  return rate;
}

const ceiling = await rawCeiling();
const worker = await sinkWorker();
const naiveRate = await naive();
await Promise.all([broker.stop(), influx.stop()]);

const fmt = (n: number) => Math.round(n).toLocaleString('en').padStart(9);
console.log(
  `\nmosquitto → influxd, draining a backlog (${N.toLocaleString('en')} readings; naive: ${N_NAIVE.toLocaleString('en')})\n`,
);
console.log('| consumer | readings/s | ratio to ceiling |');
console.log('|---|---:|---:|');
console.log(`| raw mqtt.js QoS1 subscriber, writes nothing (ceiling) | ${fmt(ceiling)} | 1.00 |`);
console.log(`| wattbus sink worker → InfluxDB, ack after write | ${fmt(worker)} | ${(worker / ceiling).toFixed(2)} |`);
console.log(`| naive: one InfluxDB write per message | ${fmt(naiveRate)} | ${(naiveRate / ceiling).toFixed(3)} |`);
console.log(
  JSON.stringify({
    bench: 'sink',
    n: N,
    max_inflight_messages: window,
    ceiling: Math.round(ceiling),
    sink_worker: Math.round(worker),
    naive: Math.round(naiveRate),
    sink_ratio: +(worker / ceiling).toFixed(3),
    naive_ratio: +(naiveRate / ceiling).toFixed(4),
    target_ratio: 0.8,
  }),
);
