// Readings/s from mosquitto into a real influxd, draining a backlog of N readings held for a persistent
// session, for three consumers measured in the same run:
//   - the wattbus sink worker (batches, writes to InfluxDB, PUBACK after the write),
//   - a raw mqtt.js QoS1 subscriber that writes nothing (the ceiling),
//   - a naive consumer like prior-art 003: one InfluxDB write per message, then its ack.
// Target: the sink worker at ≥ 0.8 of the ceiling.

import { parseConfig } from '@wattbus/config';
import { exampleReading } from '@wattbus/contract';
import { readStoredReadings, startInfluxd, startMosquitto } from '@wattbus/testkit';
import mqtt from 'mqtt';
import { pino } from 'pino';
import { SinkWorkerConfigSchema } from '../src/config.js';
import { SinkWorker } from '../src/worker.js';

const N = Number(process.env.SINK_N ?? 50_000);
const N_NAIVE = Number(process.env.SINK_N_NAIVE ?? 2_000);
// The broker's in-flight window for MQTT 3.1.1 subscribers, as deploy/mosquitto/mosquitto.conf sets it
// (mosquitto's default is 20); override with SINK_MAX_INFLIGHT to see its effect.
const window = Number(process.env.SINK_MAX_INFLIGHT ?? 20_000);
const [broker, influx] = await Promise.all([
  startMosquitto({ extraConfig: `max_inflight_messages ${window}` }),
  startInfluxd(),
]);
const base = exampleReading();

/** Queues `n` readings at the broker for the persistent session `clientId`. */
async function backlog(clientId: string, n: number, site: string): Promise<void> {
  const consumer = await mqtt.connectAsync(broker.url, { clientId, clean: false });
  await consumer.subscribeAsync('wattbus/v1/+/+/reading', { qos: 1 });
  await consumer.endAsync();
  const pub = await mqtt.connectAsync(broker.url, { clientId: `pub-${clientId}` });
  const topic = `wattbus/v1/${site}/main/reading`;
  let done = 0;
  await new Promise<void>((resolve) => {
    for (let i = 0; i < n; i++) {
      const r = { ...base, site, seq: i + 1, ts: base.ts + i * 1000, values: { ...base.values, power_w: i } };
      pub.publish(topic, JSON.stringify(r), { qos: 1 }, () => {
        if (++done === n) resolve();
      });
    }
  });
  await pub.endAsync();
  process.stderr.write(`queued ${n} readings for ${clientId}\n`);
}

async function rawCeiling(): Promise<number> {
  await backlog('raw', N, 'raw');
  let received = 0;
  const start = performance.now();
  const client = mqtt.connect(broker.url, { clientId: 'raw', clean: false });
  await new Promise<void>((resolve) => {
    client.on('message', () => {
      if (++received === N) resolve();
    });
  });
  const rate = N / ((performance.now() - start) / 1000);
  await client.endAsync();
  return rate;
}

async function sinkWorker(): Promise<number> {
  await backlog('sink-worker', N, 'sink');
  const config = parseConfig(
    JSON.stringify({
      mqtt: { url: broker.url, protocol_version: Number(process.env.SINK_MQTT_VERSION ?? 4) },
      consumer: { id: 'sink-worker' },
      sinks: { influx: { url: influx.url, database: 'bench' } },
    }),
    SinkWorkerConfigSchema,
  );
  const worker = new SinkWorker(config, pino({ level: 'warn' }));
  const start = performance.now();
  await worker.start();
  const written = async () => (await worker.metrics.written.get()).values.reduce((s, v) => s + v.value, 0);
  while ((await written()) < N) await new Promise((r) => setTimeout(r, 10));
  const rate = N / ((performance.now() - start) / 1000);
  await worker.stop();
  const stored = (await readStoredReadings(influx, 'bench')).length;
  if (stored !== N) throw new Error(`sink worker stored ${stored} of ${N}`);
  return rate;
}

async function naive(): Promise<number> {
  await backlog('naive', N_NAIVE, 'naive');
  await influx.createDatabase('naive');
  let written = 0;
  const start = performance.now();
  const client = mqtt.connect(broker.url, { clientId: 'naive', clean: false });
  await new Promise<void>((resolve) => {
    // One write per message; mqtt.js acks after handleMessage's callback, so each write is awaited.
    client.handleMessage = (packet, callback) => {
      const r = JSON.parse(packet.payload.toString());
      const line = `reading,site=${r.site},meter=${r.meter},channel=${r.channel} power_w=${r.values.power_w} ${r.ts}`;
      fetch(`${influx.url}/write?db=naive&precision=ms`, { method: 'POST', body: line }).then(async (res) => {
        await res.body?.cancel();
        callback();
        if (++written === N_NAIVE) resolve();
      });
    };
  });
  const rate = N_NAIVE / ((performance.now() - start) / 1000);
  await client.endAsync();
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
