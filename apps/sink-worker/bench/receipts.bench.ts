// What storage receipts cost the sink worker: readings/s draining a backlog held for its persistent session,
// from its start until every reading is written *and* acknowledged to the broker, with receipts on and off,
// taking turns in the same run (mosquitto → the worker → influxd). Also the receipts' share of the broker's
// messages. Target: receipts on / off ≥ 0.95 by median readings/s.
//   RECEIPTS_N (readings per run, default 100,000), RECEIPTS_RUNS (runs of each, default 3),
//   RECEIPTS_HOUSEHOLDS (sites in the backlog, default 1,000: one receipt per site and batch).

import { queueBacklog } from '@wattbus/bench';
import { parseConfig } from '@wattbus/config';
import { startInfluxd, startMosquitto } from '@wattbus/testkit';
import { pino } from 'pino';
import { SinkWorkerConfigSchema } from '../src/config.js';
import { SinkWorker } from '../src/worker.js';

const N = Number(process.env.RECEIPTS_N ?? 100_000);
const RUNS = Number(process.env.RECEIPTS_RUNS ?? 3);
const HOUSEHOLDS = Number(process.env.RECEIPTS_HOUSEHOLDS ?? 1000);
const [broker, influx] = await Promise.all([
  startMosquitto({ extraConfig: 'max_inflight_messages 20000' }),
  startInfluxd(),
]);

const total = async (metric: { get(): Promise<{ values: Array<{ value: number }> }> }) =>
  (await metric.get()).values.reduce((s, v) => s + v.value, 0);

async function drain(receipts: boolean, run: number): Promise<{ rate: number; cpuUs: number; receipts: number }> {
  const id = `bench-${receipts ? 'on' : 'off'}-${run}`;
  await queueBacklog(broker.url, id, N, { households: HOUSEHOLDS });
  const config = parseConfig(
    JSON.stringify({
      mqtt: { url: broker.url },
      consumer: { id },
      receipts: { enabled: receipts },
      sinks: { influx: { url: influx.url, database: id.replaceAll('-', '_') } },
    }),
    SinkWorkerConfigSchema,
  );
  const worker = new SinkWorker(config, pino({ level: 'warn' }));
  const start = performance.now();
  // the worker is all this process runs now (the backlog is queued): its CPU per reading, steadier than the rate
  const cpu0 = process.cpuUsage();
  await worker.start();
  const inFlight = worker.metrics.registry.getSingleMetric('wattbus_sink_in_flight') as Parameters<typeof total>[0];
  while ((await total(worker.metrics.written)) < N || (await total(inFlight)) > 0) {
    await new Promise((r) => setTimeout(r, 5));
  }
  const rate = N / ((performance.now() - start) / 1000);
  const cpu = process.cpuUsage(cpu0);
  const sent = await total(worker.metrics.receipts);
  await worker.stop();
  return { rate, cpuUs: (cpu.user + cpu.system) / N, receipts: sent };
}

const on: number[] = [];
const off: number[] = [];
const cpuOn: number[] = [];
const cpuOff: number[] = [];
let receiptMessages = 0;
for (let run = 1; run <= RUNS; run++) {
  // alternate which goes first, so a machine getting busier or quieter favours neither
  const order = run % 2 === 1 ? [false, true] : [true, false];
  for (const receipts of order) {
    const r = await drain(receipts, run);
    (receipts ? on : off).push(r.rate);
    (receipts ? cpuOn : cpuOff).push(r.cpuUs);
    if (receipts) receiptMessages += r.receipts;
    process.stderr.write(
      `run ${run} receipts ${receipts ? 'on ' : 'off'}: ${Math.round(r.rate)} readings/s, ${r.cpuUs.toFixed(1)} µs CPU per reading\n`,
    );
  }
}
await Promise.all([broker.stop(), influx.stop()]);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const ratio = median(on) / median(off);
const cpuRatio = median(cpuOn) / median(cpuOff);
const perReading = receiptMessages / (N * RUNS);
console.log(`\nsink worker draining ${N.toLocaleString('en')} readings of ${HOUSEHOLDS} sites, ${RUNS} runs each\n`);
console.log('| receipts | median readings/s | runs | median worker CPU µs per reading |');
console.log('|---|---:|---|---:|');
const us = (xs: number[]) => median(xs).toFixed(1);
console.log(`| off | ${Math.round(median(off))} | ${off.map(Math.round).join(', ')} | ${us(cpuOff)} |`);
console.log(`| on | ${Math.round(median(on))} | ${on.map(Math.round).join(', ')} | ${us(cpuOn)} |`);
console.log(
  `\nreadings/s on / off: ${ratio.toFixed(3)} (target ≥ 0.95); CPU per reading on / off: ${cpuRatio.toFixed(3)} (target ≤ 1.05); receipts per reading: ${perReading.toFixed(4)}`,
);
console.log(
  JSON.stringify({
    bench: 'sink.receipts',
    n: N,
    runs: RUNS,
    households: HOUSEHOLDS,
    off: off.map(Math.round),
    on: on.map(Math.round),
    ratio: +ratio.toFixed(3),
    cpu_us_off: cpuOff.map((x) => +x.toFixed(1)),
    cpu_us_on: cpuOn.map((x) => +x.toFixed(1)),
    cpu_ratio: +cpuRatio.toFixed(3),
    receipts_per_reading: +perReading.toFixed(4),
    target_ratio: 0.95,
  }),
);
