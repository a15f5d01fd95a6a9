// What storage receipts cost the agent: CPU and resident memory of two agents running side by side on one
// mosquitto with one sink worker (file sink, receipts on), one agent waiting for the worker's receipts
// (delivery.receipts_from) and one dropping readings on the PUBACK, same meters and load. Also what receipts add to
// the broker's traffic: receipt messages per reading, counted by a subscriber.
//   BENCH_SECONDS (default 60), BENCH_METERS (default 4), BENCH_INTERVAL_MS (default 250): 3 channels per meter.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { startApp, startMosquitto, tempDir } from '@wattbus/testkit';
import mqtt from 'mqtt';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const METERS = Number(process.env.BENCH_METERS ?? 4);
const INTERVAL_MS = Number(process.env.BENCH_INTERVAL_MS ?? 250);
const TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));

function sample(pid: number): { rssKb: number; cpuTicks: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return { rssKb: Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0), cpuTicks: Number(stat[11]) + Number(stat[12]) };
}

const broker = await startMosquitto();
const tmp = await tempDir('wattbus-receipts-bench-');
const worker = await startApp('sink-worker', {
  mqtt: { url: broker.url },
  consumer: { id: 'bench-sink' },
  sinks: { file: { dir: `${tmp.path}/files` } },
});
const counter = await mqtt.connectAsync(broker.url, { clientId: 'bench-counter' });
const counts = { readings: 0, receipts: 0 };
counter.on('message', (topic) => {
  if (topic.endsWith('/reading')) counts.readings++;
  else counts.receipts++;
});
await counter.subscribeAsync(['wattbus/v1/+/+/reading', 'wattbus/v1/+/receipt/+'], { qos: 0 });

const agentConfig = (site: string, receipts: boolean) => ({
  site: { id: site },
  mqtt: { url: broker.url },
  state_dir: `${tmp.path}/${site}`,
  health_interval_s: 10,
  ...(receipts && { delivery: { receipts_from: ['bench-sink'] } }),
  meters: Array.from({ length: METERS }, (_, i) => ({
    id: `m${i + 1}`,
    driver: 'simulated',
    interval_ms: INTERVAL_MS,
    config: { seed: i + 1, pv_kwp: 3 },
  })),
});
const agents = {
  off: await startApp('edge-agent', agentConfig('bench-off', false)),
  on: await startApp('edge-agent', agentConfig('bench-on', true)),
};
await new Promise((r) => setTimeout(r, 5000)); // start-up is not steady state
const pids = { off: agents.off.proc.pid as number, on: agents.on.proc.pid as number };
const first = { off: sample(pids.off), on: sample(pids.on) };
const maxRss = { off: first.off.rssKb, on: first.on.rssKb };
const n0 = { ...counts };
for (let s = 0; s < SECONDS; s++) {
  await new Promise((r) => setTimeout(r, 1000));
  for (const k of ['off', 'on'] as const) maxRss[k] = Math.max(maxRss[k], sample(pids[k]).rssKb);
  process.stderr.write(`\r${s + 1}/${SECONDS} s`);
}
const cpuPct = (k: 'off' | 'on') => ((sample(pids[k]).cpuTicks - first[k].cpuTicks) / TICKS / SECONDS) * 100;
const result = {
  off: { cpuPct: cpuPct('off'), maxRssMb: maxRss.off / 1024 },
  on: { cpuPct: cpuPct('on'), maxRssMb: maxRss.on / 1024 },
};
const readings = counts.readings - n0.readings;
const receipts = counts.receipts - n0.receipts;
await Promise.all([agents.off.stop('SIGTERM', 15_000), agents.on.stop('SIGTERM', 15_000)]);
await worker.stop('SIGTERM', 15_000);
await counter.endAsync();
await broker.stop();
await tmp.cleanup();

const rate = (METERS * 3 * 1000) / INTERVAL_MS;
console.log(
  `\nTwo agents, ${METERS} meters × 3 channels every ${INTERVAL_MS} ms (${rate} readings/s each), ${SECONDS} s\n`,
);
console.log('| agent | CPU (% of one core) | max RSS (MB) |');
console.log('|---|---:|---:|');
console.log(`| receipts off | ${result.off.cpuPct.toFixed(2)} | ${result.off.maxRssMb.toFixed(1)} |`);
console.log(`| receipts on | ${result.on.cpuPct.toFixed(2)} | ${result.on.maxRssMb.toFixed(1)} |`);
console.log(
  `\nbroker: ${(readings / SECONDS).toFixed(0)} readings/s, ${(receipts / SECONDS).toFixed(1)} receipts/s (${(receipts / readings).toFixed(3)} per reading)`,
);
console.log(
  JSON.stringify({
    bench: 'agent.receipts',
    seconds: SECONDS,
    readings_per_s_per_agent: rate,
    off: result.off,
    on: result.on,
    cpu_ratio: +(result.on.cpuPct / result.off.cpuPct).toFixed(2),
    rss_ratio: +(result.on.maxRssMb / result.off.maxRssMb).toFixed(2),
    broker_receipts_per_reading: +(receipts / readings).toFixed(3),
  }),
);
