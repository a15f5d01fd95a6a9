import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, startApp, waitFor } from '@wattbus/testkit';
import mqtt, { type MqttClient } from 'mqtt';
import { scrape } from '../test/helpers/metrics.js';
import { NeverReadingClient } from '../test/helpers/raw-client.js';

// Delivery latency between an unrelated publisher and subscriber (the pair) on one broker (our app, default
// limits), in three phases that take turns in each round: quiet (nothing else), flood (another household
// publishes 4 kB messages at a steady rate to a subscriber that reads them) and stalled (the same flood, to a
// subscriber that never reads its socket). Ratios compare the medians over the rounds of the same run.

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const MEASURE_MS = Number(process.env.BENCH_MEASURE_MS ?? 5_000);
const PAIR_RATE = 200; // messages per second
const FLOODERS = 10;
const FLOOD_RATE = 1_000; // messages per second, over all flooders
const FLOOD_PAYLOAD = Buffer.alloc(4096, 'x');

const [port, metricsPort] = [await freePort(), await freePort()];
const url = `mqtt://127.0.0.1:${port}`;
const metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
const broker = await startApp('broker', {
  listeners: { tcp: { host: '127.0.0.1', port } },
  auth: { allow_anonymous: true },
  limits: { connection_rate: { per_second: 0 } },
  metrics: { host: '127.0.0.1', port: metricsPort },
});

const connect = async (clientId: string): Promise<MqttClient> =>
  mqtt.connectAsync(url, { clientId, reconnectPeriod: 0, protocolVersion: 4 });

/** Publishes FLOOD_RATE messages/s to bench/flood from FLOODERS connections (a burst every 100 ms each, once
 * the previous one is acknowledged) until stopped. */
async function flood(signal: AbortSignal): Promise<void> {
  const clients = await Promise.all(Array.from({ length: FLOODERS }, (_, i) => connect(`flooder-${i}`)));
  const burst = FLOOD_RATE / FLOODERS / 10;
  await Promise.all(
    clients.map(async (client) => {
      while (!signal.aborted) {
        const next = sleep(100);
        await Promise.all(
          Array.from({ length: burst }, () => client.publishAsync('bench/flood', FLOOD_PAYLOAD, { qos: 1 })),
        ).catch(() => {});
        await next;
      }
    }),
  );
  await Promise.all(clients.map((c) => c.endAsync(true)));
}

/** Latencies (ms) of PAIR_RATE messages/s from one client to another over MEASURE_MS; lost ones count as Infinity. */
async function measurePair(round: number, label: string): Promise<number[]> {
  const [sender, receiver] = await Promise.all([
    connect(`pair-tx-${label}-${round}`),
    connect(`pair-rx-${label}-${round}`),
  ]);
  const latencies = new Map<number, number>();
  receiver.on('message', (_topic, payload) => {
    const [seq, sentAt] = payload.toString().split(' ').map(Number) as [number, number];
    latencies.set(seq, performance.now() - sentAt);
  });
  await receiver.subscribeAsync('bench/pair', { qos: 1 });
  const count = Math.round((MEASURE_MS / 1000) * PAIR_RATE);
  const start = performance.now();
  for (let seq = 0; seq < count; seq++) {
    const due = start + (seq * 1000) / PAIR_RATE;
    if (due > performance.now()) await sleep(due - performance.now());
    sender.publish('bench/pair', `${seq} ${performance.now()}`, { qos: 1 });
  }
  await waitFor(() => latencies.size === count, { timeoutMs: 30_000, what: 'the pair messages' }).catch(() => {});
  await Promise.all([sender.endAsync(true), receiver.endAsync(true)]);
  return Array.from({ length: count }, (_, seq) => latencies.get(seq) ?? Number.POSITIVE_INFINITY);
}

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
const median = (values: number[]) =>
  quantile(
    [...values].sort((a, b) => a - b),
    0.5,
  );

interface Result {
  p50: number;
  p99: number;
  lost: number;
}

type Phase = 'quiet' | 'flood' | 'stalled';
const PHASES: Phase[] = ['quiet', 'flood', 'stalled'];

async function phase(round: number, name: Phase): Promise<Result> {
  const stop = new AbortController();
  const reader =
    name === 'stalled'
      ? await NeverReadingClient.open(
          port,
          { clientId: `stalled-${round}`, username: 'x', password: 'x' },
          'bench/flood',
        )
      : undefined;
  const reading = name === 'flood' ? await connect(`reader-${round}`) : undefined;
  await reading?.subscribeAsync('bench/flood', { qos: 1 });
  const flooding = name === 'quiet' ? undefined : flood(stop.signal);
  if (name === 'stalled') {
    // Measure while the reader is stalled and not yet dropped (limits.slow_reader.timeout_ms, 10 s).
    await waitFor(async () => (await scrape(metricsUrl)).value('wattbus_broker_unsent_bytes') > 32_768, {
      timeoutMs: 30_000,
      what: 'the reader to stall',
    });
  } else {
    await sleep(1_000);
  }
  const latencies = (await measurePair(round, name)).sort((a, b) => a - b);
  stop.abort();
  reader?.destroy();
  await reading?.endAsync(true);
  await flooding;
  return {
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    lost: latencies.filter((l) => l === Number.POSITIVE_INFINITY).length,
  };
}

const results: Record<Phase, Result[]> = { quiet: [], flood: [], stalled: [] };
try {
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of PHASES) results[name].push(await phase(round, name));
    console.error(
      `round ${round + 1}/${ROUNDS}:`,
      JSON.stringify(Object.fromEntries(PHASES.map((p) => [p, results[p].at(-1)]))),
    );
  }
} finally {
  await broker.stop();
}

const summary = Object.fromEntries(
  PHASES.map((name) => [
    name,
    {
      p50_ms: median(results[name].map((r) => r.p50)),
      p99_ms: median(results[name].map((r) => r.p99)),
      lost: results[name].reduce((sum, r) => sum + r.lost, 0),
    },
  ]),
) as Record<Phase, { p50_ms: number; p99_ms: number; lost: number }>;
const ratio = (a: Phase, b: Phase) => ({
  p50: summary[a].p50_ms / summary[b].p50_ms,
  p99: summary[a].p99_ms / summary[b].p99_ms,
});
const ratios = { stalled_vs_flood: ratio('stalled', 'flood'), stalled_vs_quiet: ratio('stalled', 'quiet') };
const fmt = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : 'lost');
const label: Record<Phase, string> = {
  quiet: 'quiet: no flood',
  flood: 'flood, its subscriber reads',
  stalled: 'flood, its subscriber never reads',
};
console.log('| phase | pair p50 (ms) | pair p99 (ms) | pair messages lost |');
console.log('|---|---|---|---|');
for (const name of PHASES) {
  const r = summary[name];
  console.log(`| ${label[name]} | ${fmt(r.p50_ms)} | ${fmt(r.p99_ms)} | ${r.lost} |`);
}
for (const [name, r] of Object.entries(ratios))
  console.log(`${name}: p50 ${r.p50.toFixed(2)}, p99 ${r.p99.toFixed(2)}`);
console.log(
  JSON.stringify({
    bench: 'broker-slow-reader',
    rounds: ROUNDS,
    pair_rate: PAIR_RATE,
    flood_rate: FLOOD_RATE,
    ...summary,
    ratios,
  }),
);
