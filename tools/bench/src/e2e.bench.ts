// End to end, issue #12: the load generator publishes readings of simulated households through one mosquitto
// into one real influxd, for four consumers in turn (raw mqtt.js subscriber = ceiling, wattbus sink worker,
// Node-RED, naive one-write-per-message), each with its own database. Writes bench/results/e2e.{md,json,svg,png}.
// Then the headroom run of issue #22 (sustain.ts): the generator alone, and the sink worker alone at E2E_SUSTAIN_RATE
// for E2E_SUSTAIN_S with every reading counted: bench/results/e2e-sustain-<E2E_SUSTAIN_S>s.{md,json}. E2E_SUSTAIN_ONLY=1 runs only that.
// Method and knobs: see the header of the generated e2e.md, and E2E_* below.
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { HouseholdFleet, type LoadSummary, runLoad } from '@wattbus/loadgen-core';
import { REPO_ROOT, startApp, startInfluxd, startMosquitto } from '@wattbus/testkit';
import {
  type ConsumerHandle,
  createSession,
  dropSession,
  payloadTs,
  queueBacklog,
  startNaiveConsumer,
  startRawSubscriber,
} from './consumers.js';
import { InfluxVisibilityPoller, LatencyHistogram, PublishedBuckets } from './latency.js';
import { LeanPublisher } from './lean-publisher.js';
import { cpuSeconds, describeMachine } from './machine.js';
import { ensureNodeRed, type NodeRedHandle, readingsFlow, startNodeRed } from './node-red.js';
import {
  type BacklogResult,
  type ConsumerResult,
  type E2eResults,
  formatMs,
  markdown,
  type SteadyResult,
  sustainMarkdown,
  svgChart,
} from './report.js';
import { type LoadgenAloneResult, loadgenAlone, type SustainResult, sustain } from './sustain.js';

const DEFAULTS = {
  E2E_RATE: 10_000,
  E2E_DURATION_S: 20,
  E2E_HOUSEHOLDS: 1000,
  E2E_BACKLOG: 100_000,
  E2E_GRACE_S: 15,
  E2E_DRAIN_CAP_S: 30,
  E2E_POLL_MS: 100,
  E2E_SUSTAIN_RATE: 20_000,
  E2E_SUSTAIN_S: 60,
  E2E_SUSTAIN_CATCHUP_S: 120,
  E2E_SUSTAIN_ONLY: 0,
} as const;
const knob = (name: keyof typeof DEFAULTS) => Number(process.env[name] ?? DEFAULTS[name]);
const RATE = knob('E2E_RATE');
const DURATION_S = knob('E2E_DURATION_S');
const HOUSEHOLDS = knob('E2E_HOUSEHOLDS');
const BACKLOG = knob('E2E_BACKLOG');
const GRACE_S = knob('E2E_GRACE_S');
const DRAIN_CAP_S = knob('E2E_DRAIN_CAP_S');
const POLL_MS = knob('E2E_POLL_MS');
const SUSTAIN_RATE = knob('E2E_SUSTAIN_RATE');
const SUSTAIN_S = knob('E2E_SUSTAIN_S');
const SUSTAIN_CATCHUP_S = knob('E2E_SUSTAIN_CATCHUP_S');
const SUSTAIN_ONLY = knob('E2E_SUSTAIN_ONLY') === 1;
/** One file per duration: the default run's 60 s does not overwrite the full 10-minute run. */
const SUSTAIN_FILE = `e2e-sustain-${SUSTAIN_S}s`;
/** The headroom run's worker batching, as JSON (e.g. '{"write_when_drained":false}'); default: the worker's defaults. */
const SUSTAIN_BATCH = JSON.parse(process.env.E2E_SUSTAIN_BATCH ?? '{}') as object;
const BUCKET_MS = 10;
const MAX_INFLIGHT = 20_000;
/** Publishes the generator may have awaiting their PUBACK: half a second at 20,000/s, so a slow PUBACK does not stall it. */
const LOADGEN_WINDOW = 10_000;
const ONLY = process.env.E2E_CONSUMERS?.split(',');
const OUT_DIR = process.env.E2E_OUT_DIR ?? join(REPO_ROOT, 'bench', 'results');

const overrides = [...Object.keys(DEFAULTS), 'E2E_CONSUMERS', 'E2E_OUT_DIR', 'E2E_SUSTAIN_BATCH']
  .filter((k) => process.env[k] !== undefined)
  .map((k) => `${k}=${process.env[k]}`);
// turbo (root `pnpm bench`) sets TURBO_HASH in the tasks it runs
const COMMAND = [...overrides, process.env.TURBO_HASH ? 'pnpm bench' : 'pnpm bench:e2e'].join(' ');
const log = (line: string) => process.stderr.write(`[e2e] ${line}\n`);

const machine = describeMachine();
const [broker, influx, nodeRedInstall] = await Promise.all([
  startMosquitto({ extraConfig: `max_inflight_messages ${MAX_INFLIGHT}` }),
  startInfluxd(),
  SUSTAIN_ONLY ? { dir: '', nodeRed: '-', influxNode: '-' } : ensureNodeRed(),
]);
log(`mosquitto ${broker.url}, influxd ${influx.url}, node-red ${nodeRedInstall.nodeRed} in ${nodeRedInstall.dir}`);
const influxPid = () => influx.process().proc.pid;

/** The sink worker with its default config, influx sink only; `batch` overrides the batching. */
const startSinkWorker = (clientId: string, database: string, batch: object = {}) =>
  startApp('sink-worker', {
    mqtt: { url: broker.url },
    consumer: { id: clientId },
    batch,
    sinks: { influx: { url: influx.url, database } },
  });

/** What the bench needs from each consumer: go online (resuming its persistent session), go offline. */
interface Consumer {
  key: string;
  label: string;
  clientId: string;
  /** InfluxDB database; undefined for the raw subscriber, which stores nothing. */
  db?: string;
  start(onMessage?: (payload: Buffer, arrivedAt: number) => void): Promise<{ pid?: number; handle?: ConsumerHandle }>;
  stop(): Promise<void>;
}

let nodeRed: NodeRedHandle | undefined;
let nodeRedUserDir: string | undefined;
const consumers: Consumer[] = [
  (() => {
    let h: ConsumerHandle | undefined;
    return {
      key: 'raw',
      label: 'raw mqtt.js QoS1 subscriber (ceiling)',
      clientId: 'e2e-raw',
      async start(onMessage) {
        h = await startRawSubscriber({ url: broker.url, clientId: 'e2e-raw', ...(onMessage && { onMessage }) });
        return { handle: h };
      },
      stop: async () => h?.stop(),
    } satisfies Consumer;
  })(),
  (() => {
    let app: Awaited<ReturnType<typeof startApp>> | undefined;
    return {
      key: 'sink-worker',
      label: 'wattbus sink worker',
      clientId: 'e2e-sink',
      db: 'e2e_sink_worker',
      async start() {
        app = await startSinkWorker('e2e-sink', 'e2e_sink_worker');
        return { pid: app.proc.pid };
      },
      stop: async () => void (await app?.stop('SIGTERM', 15_000)),
    } satisfies Consumer;
  })(),
  (() => {
    let app: Awaited<ReturnType<typeof startApp>> | undefined;
    return {
      key: 'sink-worker-age',
      label: 'wattbus sink worker, batches by size, age and idle only',
      clientId: 'e2e-sink-age',
      db: 'e2e_sink_worker_age',
      async start() {
        // the batching before #22: under a steady stream a batch waits for its 250 ms age
        app = await startSinkWorker('e2e-sink-age', 'e2e_sink_worker_age', { write_when_drained: false });
        return { pid: app.proc.pid };
      },
      stop: async () => void (await app?.stop('SIGTERM', 15_000)),
    } satisfies Consumer;
  })(),
  {
    key: 'node-red',
    label: `Node-RED ${nodeRedInstall.nodeRed} flow`,
    clientId: 'e2e-node-red',
    db: 'e2e_node_red',
    async start() {
      const flow = readingsFlow({
        mqttUrl: broker.url,
        clientId: 'e2e-node-red',
        influxUrl: influx.url,
        db: 'e2e_node_red',
      });
      nodeRed = await startNodeRed(nodeRedInstall, flow, nodeRedUserDir);
      nodeRedUserDir = nodeRed.userDir;
      return { pid: nodeRed.process.proc.pid };
    },
    stop: async () => nodeRed?.stop(),
  },
  (() => {
    let h: ConsumerHandle | undefined;
    return {
      key: 'naive',
      label: 'naive: one write per message',
      clientId: 'e2e-naive',
      db: 'e2e_naive',
      async start() {
        h = await startNaiveConsumer({
          url: broker.url,
          clientId: 'e2e-naive',
          influxUrl: influx.url,
          db: 'e2e_naive',
        });
        return { handle: h };
      },
      stop: async () => h?.stop(),
    } satisfies Consumer;
  })(),
].filter((c) => !SUSTAIN_ONLY && (!ONLY || ONLY.includes(c.key)));

const delta = (before: number | undefined, after: number | undefined) =>
  before === undefined || after === undefined ? null : Math.round((after - before) * 100) / 100;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const loadgenRates: number[] = [];
const loadgenBehind: number[] = [];
const queryMs: number[] = [];

async function steady(c: Consumer): Promise<Omit<SteadyResult, 'ratio'>> {
  const published = new PublishedBuckets(BUCKET_MS);
  const arrivals = new LatencyHistogram();
  let lastArrival = 0;
  if (c.db) await influx.createDatabase(c.db);
  await createSession(broker.url, c.clientId);
  const started = await c.start(
    c.db
      ? undefined
      : (payload, at) => {
          arrivals.add(at - payloadTs(payload));
          lastArrival = at;
        },
  );
  const influxCpu0 = cpuSeconds(influxPid());
  const cpu0 = cpuSeconds(started.pid);
  const t0 = Date.now();
  const poller = c.db
    ? new InfluxVisibilityPoller({ url: influx.url, db: c.db, intervalMs: POLL_MS }, published, t0)
    : undefined;
  poller?.start();
  const pub = await LeanPublisher.connect(broker.url, `e2e-loadgen-${c.key}`);
  const fleet = new HouseholdFleet({ households: HOUSEHOLDS });
  log(`${c.key}: steady ${RATE}/s for ${DURATION_S} s`);
  const load: LoadSummary = await runLoad({
    fleet,
    client: pub,
    rate: RATE,
    durationMs: DURATION_S * 1000,
    window: LOADGEN_WINDOW,
    onReading: (r) => published.record(r.ts),
    onProgress: (p) =>
      log(`${c.key}: ${p.elapsed_s.toFixed(0)} s sent ${p.sent}, seen ${poller?.visible ?? arrivals.count}`),
    progressEveryMs: 5000,
  });
  await pub.end();
  loadgenRates.push(load.rate);
  loadgenBehind.push(load.max_behind);
  const deadline = Date.now() + GRACE_S * 1000;
  if (poller) await poller.waitForAll(deadline);
  else while (arrivals.count < published.total && Date.now() < deadline) await sleep(20);
  const end = Date.now();
  const cpu1 = cpuSeconds(started.pid);
  const influxCpu1 = cpuSeconds(influxPid());
  await poller?.stop();
  await c.stop();
  await dropSession(broker.url, c.clientId);
  if (poller) queryMs.push(poller.meanQueryMs);
  const firstPublish = load.first_ts ?? t0;
  const hist = poller?.histogram ?? arrivals;
  const stored = poller?.visible ?? arrivals.count;
  const lastSeen = poller?.lastNewAt ?? lastArrival;
  const result = {
    published: published.total,
    stored,
    throughput: stored > 0 ? stored / ((lastSeen - firstPublish) / 1000) : 0,
    p50_ms: hist.percentile(50, published.total),
    p99_ms: hist.percentile(99, published.total),
    max_ms: stored === published.total ? hist.max() : null,
    window_s: (end - firstPublish) / 1000,
    consumer_cpu_s: delta(cpu0, cpu1),
    influxd_cpu_s: delta(influxCpu0, influxCpu1),
    poll_query_ms: poller ? Math.round(poller.meanQueryMs * 10) / 10 : null,
  };
  log(
    `${c.key}: steady ${result.stored}/${result.published} stored, ${Math.round(result.throughput)}/s, p50 ${formatMs(
      result.p50_ms,
      result.window_s,
    )}, p99 ${formatMs(result.p99_ms, result.window_s)}`,
  );
  return result;
}

async function backlog(c: Consumer): Promise<Omit<BacklogResult, 'ratio'>> {
  const published = new PublishedBuckets(BUCKET_MS);
  const t0 = Date.now();
  await queueBacklog(broker.url, c.clientId, BACKLOG, {
    households: HOUSEHOLDS,
    onReading: (r) => published.record(r.ts),
  });
  const poller = c.db
    ? new InfluxVisibilityPoller({ url: influx.url, db: c.db, intervalMs: POLL_MS }, published, t0)
    : undefined;
  poller?.start();
  const startedAt = performance.now();
  const deadline = Date.now() + DRAIN_CAP_S * 1000;
  const started = await c.start();
  const cpu0 = cpuSeconds(started.pid);
  if (poller) await poller.waitForAll(deadline);
  else {
    const handle = started.handle as ConsumerHandle;
    await Promise.race([handle.reached(BACKLOG), sleep(deadline - Date.now())]);
  }
  const cpu1 = cpuSeconds(started.pid);
  const elapsed = (performance.now() - startedAt) / 1000;
  await poller?.stop();
  let stored: number;
  let rate: number;
  if (poller) {
    stored = poller.visible;
    const span = ((poller.lastNewAt ?? 0) - (poller.firstSeenAt ?? 0)) / 1000;
    rate = span > 0 ? (poller.visible - poller.visibleAtFirstSeen) / span : 0;
  } else {
    const h = started.handle as ConsumerHandle;
    stored = h.count();
    rate = stored > 1 ? (stored - 1) / (((h.lastAt ?? 0) - (h.firstAt ?? 0)) / 1000) : 0;
  }
  await c.stop();
  await dropSession(broker.url, c.clientId);
  log(`${c.key}: backlog ${stored}/${BACKLOG} in ${elapsed.toFixed(1)} s, ${Math.round(rate)}/s`);
  return {
    queued: BACKLOG,
    stored,
    drain_rate: rate,
    complete: stored >= BACKLOG,
    elapsed_s: elapsed,
    consumer_cpu_s: delta(cpu0, cpu1),
  };
}

const measured: { c: Consumer; s: Omit<SteadyResult, 'ratio'>; b: Omit<BacklogResult, 'ratio'> }[] = [];
let headroom: { loadgen_alone: LoadgenAloneResult[]; sustain: SustainResult } | undefined;
try {
  for (const c of consumers) {
    const s = await steady(c);
    await sleep(1000);
    const b = await backlog(c);
    await sleep(1000);
    measured.push({ c, s, b });
  }
  if (SUSTAIN_S > 0) {
    const mosquittoPid = broker.process().proc.pid;
    log(`the generator alone at ${SUSTAIN_RATE}/s for 10 s`);
    const alone: LoadgenAloneResult[] = [];
    for (const publisher of ['lean', 'mqtt.js'] as const) {
      const a = await loadgenAlone({
        brokerUrl: broker.url,
        mosquittoPid,
        publisher,
        rate: SUSTAIN_RATE,
        seconds: 10,
        households: HOUSEHOLDS,
        window: LOADGEN_WINDOW,
      });
      log(`the generator alone (${publisher}): ${a.achieved_rate}/s, ${a.loadgen_us} µs CPU per reading`);
      alone.push(a);
    }
    const run = await sustain({
      brokerUrl: broker.url,
      influxUrl: influx.url,
      mosquittoPid,
      influxdPid: influxPid(),
      createDatabase: (db) => influx.createDatabase(db),
      startWorker: (clientId, db) => startSinkWorker(clientId, db, SUSTAIN_BATCH),
      rate: SUSTAIN_RATE,
      seconds: SUSTAIN_S,
      households: HOUSEHOLDS,
      pollMs: POLL_MS,
      catchUpS: SUSTAIN_CATCHUP_S,
      window: LOADGEN_WINDOW,
      log,
    });
    headroom = { loadgen_alone: alone, sustain: run };
  }
} finally {
  await Promise.all([broker.stop(), influx.stop()]);
}

await mkdir(OUT_DIR, { recursive: true });
const date = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
if (headroom) {
  const s = headroom.sustain;
  await writeFile(
    join(OUT_DIR, `${SUSTAIN_FILE}.json`),
    `${JSON.stringify({ bench: 'e2e-sustain', date, command: COMMAND, machine, ...headroom }, null, 2)}\n`,
  );
  await writeFile(
    join(OUT_DIR, `${SUSTAIN_FILE}.md`),
    sustainMarkdown({ date, command: COMMAND, machine, ...headroom }),
  );
  process.stdout.write(
    `\nsink worker at ${SUSTAIN_RATE}/s for ${SUSTAIN_S} s: published ${s.published}, stored ${s.stored}, missing ${
      s.missing
    }, rows beyond published ${s.extra_rows}, behind at the end ${s.behind_at_end} (caught up in ${s.catch_up_s} s), worker received ${
      s.worker_received ?? '?'
    } and wrote ${s.worker_written ?? '?'}; stored ${
      s.stored_rate
    }/s; p50 ${formatMs(s.p50_ms, s.window_s)}, p99 ${formatMs(s.p99_ms, s.window_s)}; load average ${s.load_before.toFixed(
      1,
    )} → ${s.load_after.toFixed(1)}; generator alone ${headroom.loadgen_alone.map((a) => `${a.achieved_rate}/s (${a.publisher})`).join(', ')}\n`,
  );
  process.stdout.write(`${JSON.stringify({ bench: 'e2e-sustain', ...s })}\n`);
  log(`wrote ${OUT_DIR}/${SUSTAIN_FILE}.{md,json}`);
}
if (SUSTAIN_ONLY) process.exit(0);

const ceiling = measured.find((m) => m.c.key === 'raw');
const results: E2eResults = {
  bench: 'e2e',
  date,
  command: COMMAND,
  machine,
  params: {
    rate: RATE,
    duration_s: DURATION_S,
    households: HOUSEHOLDS,
    backlog: BACKLOG,
    grace_s: GRACE_S,
    drain_cap_s: DRAIN_CAP_S,
    poll_ms: POLL_MS,
    bucket_ms: BUCKET_MS,
    max_inflight_messages: MAX_INFLIGHT,
  },
  node_red: { version: nodeRedInstall.nodeRed, influx_node: nodeRedInstall.influxNode, dir: nodeRedInstall.dir },
  loadgen: { achieved_rate: loadgenRates.map(Math.round), max_behind: loadgenBehind },
  poll: { mean_query_ms: queryMs.length ? queryMs.reduce((a, b) => a + b, 0) / queryMs.length : 0 },
  consumers: measured.map(
    ({ c, s, b }): ConsumerResult => ({
      key: c.key,
      label: c.label,
      steady: { ...s, ratio: ceiling ? s.throughput / ceiling.s.throughput : Number.NaN },
      backlog: { ...b, ratio: ceiling ? b.drain_rate / ceiling.b.drain_rate : Number.NaN },
    }),
  ),
};

const md = markdown(results);
await writeFile(join(OUT_DIR, 'e2e.json'), `${JSON.stringify(results, null, 2)}\n`);
await writeFile(join(OUT_DIR, 'e2e.md'), md);
await writeFile(join(OUT_DIR, 'e2e.svg'), svgChart(results));
try {
  // A PNG of the chart, when a headless Chromium is at hand (optional).
  await promisify(execFile)(
    process.env.CHROMIUM ?? '/usr/bin/chromium',
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--hide-scrollbars',
      `--screenshot=${join(OUT_DIR, 'e2e.png')}`,
      `--window-size=980,${134 + 64 * results.consumers.length}`,
      `file://${join(OUT_DIR, 'e2e.svg')}`,
    ],
    { timeout: 60_000 },
  );
} catch (err) {
  log(`no PNG (${(err as Error).message.split('\n')[0]})`);
}
process.stdout.write(
  `\n${md
    .split('\n')
    .filter((l) => l.startsWith('|'))
    .join('\n')}\n\n`,
);
process.stdout.write(
  `${JSON.stringify({ bench: 'e2e', results: results.consumers.map((c) => ({ key: c.key, steady_ratio: +c.steady.ratio.toFixed(3), backlog_ratio: +c.backlog.ratio.toFixed(3), p50_ms: c.steady.p50_ms, p99_ms: c.steady.p99_ms })) })}\n`,
);
log(`wrote ${OUT_DIR}/e2e.{md,json,svg}`);
