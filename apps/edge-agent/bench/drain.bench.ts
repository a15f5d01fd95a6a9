// Backlog drain rate after an outage: readings/s from the disk queue into a local broker with QoS1
// (PUBACK each, then removed from the queue). Target ≥ 5,000/s. Baseline in the same run: mqtt.js
// publishing the same payloads QoS1 with the same window, straight from memory.
import { startAedes, startMosquitto, tempDir } from '@wattbus/testkit';
import mqtt, { type MqttClient } from 'mqtt';
import { DiskQueue } from '../src/queue/disk-queue.js';
import { QueuePublisher } from '../src/queue/publisher.js';

const N = Number(process.env.DRAIN_N ?? 50_000);
const WINDOW = 500;
const payload = (i: number) =>
  JSON.stringify({
    v: 1,
    site: 'bench',
    meter: 'main',
    channel: 'grid',
    role: 'grid',
    seq: i + 1,
    ts: 1763800000000 + i * 1000,
    values: { power_w: 1234.5, voltage_v: 231.2, frequency_hz: 50.01, energy_import_wh: 1200345 + i },
  });

async function connected(url: string): Promise<MqttClient> {
  return mqtt.connectAsync(url, { clientId: `bench-${Math.random().toString(16).slice(2)}` });
}

async function rawRate(url: string): Promise<number> {
  const client = await connected(url);
  const start = performance.now();
  let next = 0;
  let done = 0;
  await new Promise<void>((resolve) => {
    const pump = () => {
      while (next < N && next - done < WINDOW) {
        client.publish('wattbus/v1/bench/main/reading', payload(next++), { qos: 1 }, () => {
          done++;
          if (done === N) resolve();
          else pump();
        });
      }
    };
    pump();
  });
  const rate = N / ((performance.now() - start) / 1000);
  await client.endAsync();
  return rate;
}

async function queueRate(url: string): Promise<number> {
  const dir = await tempDir('wattbus-drain-');
  const queue = await DiskQueue.open(dir.path, { maxMessages: 10_000_000, maxAgeMs: 1e12 });
  for (let i = 0; i < N; i += 1000) {
    await queue.enqueue(
      Array.from({ length: Math.min(1000, N - i) }, (_, k) => ({
        topic: 'wattbus/v1/bench/main/reading',
        payload: payload(i + k),
      })),
    );
  }
  await queue.close();
  const reopened = await DiskQueue.open(dir.path, { maxMessages: 10_000_000, maxAgeMs: 1e12 }); // as after a restart
  const client = await connected(url);
  const start = performance.now();
  const publisher = new QueuePublisher(reopened, client, { window: WINDOW });
  publisher.pump();
  while (publisher.acked < N) await new Promise((r) => setTimeout(r, 5));
  const rate = N / ((performance.now() - start) / 1000);
  await client.endAsync();
  await reopened.close();
  await dir.cleanup();
  return rate;
}

const rows: Array<{ broker: string; queue: number; raw: number }> = [];
const mosquitto = await startMosquitto();
rows.push({ broker: 'mosquitto', raw: await rawRate(mosquitto.url), queue: await queueRate(mosquitto.url) });
await mosquitto.stop();
const aedes = await startAedes();
rows.push({ broker: 'aedes (in-process)', raw: await rawRate(aedes.url), queue: await queueRate(aedes.url) });
await aedes.stop();

const fmt = (n: number) => Math.round(n).toLocaleString('en').padStart(9);
console.log(`\nBacklog drain, ${N.toLocaleString('en')} readings, window ${WINDOW} (target ≥ 5,000/s)\n`);
console.log('| broker | disk queue → broker (readings/s) | raw mqtt.js QoS1 (readings/s) | ratio |');
console.log('|---|---:|---:|---:|');
for (const r of rows)
  console.log(`| ${r.broker} | ${fmt(r.queue)} | ${fmt(r.raw)} | ${(r.queue / r.raw).toFixed(2)} |`);
console.log(
  JSON.stringify({
    bench: 'agent.drain',
    n: N,
    results: rows.map((r) => ({
      ...r,
      queue: Math.round(r.queue),
      raw: Math.round(r.raw),
      ratio: +(r.queue / r.raw).toFixed(3),
    })),
    target: 5000,
  }),
);
