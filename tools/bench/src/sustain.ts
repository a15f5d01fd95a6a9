// The headroom run of issue #22: the sink worker alone at a high steady rate for minutes, every reading accounted
// for (stored per series against what the generator published), and the load generator measured alone first,
// so a shortfall can be told apart from a generator that could not keep the pace.
import { loadavg } from 'node:os';
import { HouseholdFleet, runLoad } from '@wattbus/loadgen-core';
import type { ProcessHandle } from '@wattbus/testkit';
import mqtt from 'mqtt';
import { createSession, dropSession } from './consumers.js';
import { InfluxVisibilityPoller, PublishedBuckets } from './latency.js';
import { LeanPublisher } from './lean-publisher.js';
import { cpuSeconds } from './machine.js';

export interface LoadgenAloneResult {
  publisher: 'lean' | 'mqtt.js';
  rate_offered: number;
  seconds: number;
  /** Readings/s the generator sent (with every PUBACK back) into mosquitto with no subscriber. */
  achieved_rate: number;
  max_behind: number;
  /** CPU of the bench process (the generator) and of mosquitto per reading, µs. */
  loadgen_us: number;
  mosquitto_us: number;
}

export interface SustainResult {
  rate_offered: number;
  duration_s: number;
  households: number;
  published: number;
  /** Rows in InfluxDB at the end, summed over series. */
  stored: number;
  /** Published readings with no row (per series: published − rows, when positive). */
  missing: number;
  /** Rows beyond what was published in their series: a reading stored twice under another time. */
  extra_rows: number;
  series: number;
  /** Published readings not yet visible when the generator stopped, and how long catching up took after. */
  behind_at_end: number;
  catch_up_s: number;
  /** Messages the worker received and readings it wrote (summed over batches), from its "stopped" log line. */
  worker_received: number | null;
  worker_written: number | null;
  /** Generator's achieved rate, and how far it ever fell behind its schedule (readings). */
  loadgen_rate: number;
  loadgen_max_behind: number;
  /** stored / (time the last row became visible − first publish). */
  stored_rate: number;
  p50_ms: number | null;
  p99_ms: number | null;
  max_ms: number | null;
  window_s: number;
  /** µs of CPU per published reading, per process. */
  cpu_us: { worker: number | null; mosquitto: number | null; influxd: number | null; bench: number };
  /** 1-minute load average before and after. */
  load_before: number;
  load_after: number;
}

const perReading = (s0: number | undefined, s1: number | undefined, n: number) =>
  s0 === undefined || s1 === undefined ? null : Math.round(((s1 - s0) * 1e6) / n);

/** Publishes at `rate` for `seconds` into mosquitto with nobody subscribed: the generator's own ceiling. */
export async function loadgenAlone(options: {
  brokerUrl: string;
  mosquittoPid: number | undefined;
  /** The bench's own (lean) publisher, or mqtt.js as `wattbus-loadgen` uses it. */
  publisher: 'lean' | 'mqtt.js';
  rate: number;
  seconds: number;
  households: number;
  window: number;
}): Promise<LoadgenAloneResult> {
  const clientId = 'e2e-loadgen-alone';
  const pub =
    options.publisher === 'lean'
      ? await LeanPublisher.connect(options.brokerUrl, clientId)
      : await mqtt.connectAsync(options.brokerUrl, { clientId });
  const fleet = new HouseholdFleet({ households: options.households, sitePrefix: 'alone' });
  const cpu0 = process.cpuUsage();
  const m0 = cpuSeconds(options.mosquittoPid);
  const load = await runLoad({
    fleet,
    client: pub,
    rate: options.rate,
    durationMs: options.seconds * 1000,
    window: options.window,
  });
  const cpu = process.cpuUsage(cpu0);
  const m1 = cpuSeconds(options.mosquittoPid);
  await (pub instanceof LeanPublisher ? pub.end() : pub.endAsync());
  return {
    publisher: options.publisher,
    rate_offered: options.rate,
    seconds: options.seconds,
    achieved_rate: Math.round(load.acked_rate),
    max_behind: load.max_behind,
    loadgen_us: Math.round((cpu.user + cpu.system) / load.sent),
    mosquitto_us: perReading(m0, m1, load.sent) ?? 0,
  };
}

interface SeriesRow {
  tags: { site: string; meter: string; channel: string };
  values: [number, number][];
}

/** Rows per series (site/meter/channel) in `db`. */
async function rowsPerSeries(influxUrl: string, db: string): Promise<Map<string, number>> {
  const q = 'SELECT count(seq) FROM reading GROUP BY site, meter, channel';
  const res = await fetch(`${influxUrl}/query?${new URLSearchParams({ db, q, epoch: 'ms' })}`);
  const body = (await res.json()) as { results?: { series?: SeriesRow[]; error?: string }[] };
  const result = body.results?.[0];
  if (!res.ok || result?.error) throw new Error(`count per series: HTTP ${res.status} ${result?.error ?? ''}`);
  const rows = new Map<string, number>();
  for (const s of result?.series ?? []) {
    rows.set(`${s.tags.site}/${s.tags.meter}/${s.tags.channel}`, s.values[0]?.[1] ?? 0);
  }
  return rows;
}

/** `received` and `written` from the worker's "stopped" log line. */
function stoppedCounts(output: string): { received: number; written: number } | undefined {
  const line = output.split('\n').find((l) => l.includes('"msg":"stopped"'));
  if (!line) return undefined;
  const fields = JSON.parse(line) as { received?: number; written?: number };
  return fields.received === undefined || fields.written === undefined
    ? undefined
    : { received: fields.received, written: fields.written };
}

export interface SustainSetup {
  brokerUrl: string;
  influxUrl: string;
  mosquittoPid: number | undefined;
  influxdPid: number | undefined;
  createDatabase(db: string): Promise<void>;
  /** Starts the sink worker on `clientId`, writing to `db`. */
  startWorker(clientId: string, db: string): Promise<ProcessHandle>;
  rate: number;
  seconds: number;
  households: number;
  pollMs: number;
  /** After the generator stops, how long the worker may take to store what it is behind, before missing is counted. */
  catchUpS: number;
  /** The generator's window of publishes awaiting their PUBACK. */
  window: number;
  log(line: string): void;
}

/** The sink worker at `rate` for `seconds`, latency measured as in the steady phase, every reading counted. */
export async function sustain(o: SustainSetup): Promise<SustainResult> {
  const db = 'e2e_sustain';
  const clientId = 'e2e-sustain';
  const loadBefore = loadavg()[0] as number;
  const published = new PublishedBuckets(10);
  const perSeries = new Map<string, number>();
  await o.createDatabase(db);
  await createSession(o.brokerUrl, clientId);
  const worker = await o.startWorker(clientId, db);
  const pids = { worker: worker.proc.pid, mosquitto: o.mosquittoPid, influxd: o.influxdPid };
  /** CPU seconds each process has used so far. */
  const cpuNow = () => ({
    worker: cpuSeconds(pids.worker),
    mosquitto: cpuSeconds(pids.mosquitto),
    influxd: cpuSeconds(pids.influxd),
  });
  const c0 = cpuNow();
  const bench0 = process.cpuUsage();
  // each process's share of a core since the last progress line: which part falls behind as the run ages
  let lastCpu = { ...c0, at: Date.now() };
  const cpuSince = () => {
    const now = { ...cpuNow(), at: Date.now() };
    const seconds = (now.at - lastCpu.at) / 1000;
    const share = (k: 'worker' | 'mosquitto' | 'influxd') =>
      `${k} ${(((now[k] ?? 0) - (lastCpu[k] ?? 0)) / seconds).toFixed(2)}`;
    const text = `cores: ${share('worker')}, ${share('mosquitto')}, ${share('influxd')}`;
    lastCpu = now;
    return text;
  };
  const t0 = Date.now();
  const poller = new InfluxVisibilityPoller({ url: o.influxUrl, db, intervalMs: o.pollMs }, published, t0);
  poller.start();
  const pub = await LeanPublisher.connect(o.brokerUrl, 'e2e-loadgen-sustain');
  const fleet = new HouseholdFleet({ households: o.households, sitePrefix: 'sustain' });
  o.log(`sustain: sink worker at ${o.rate}/s for ${o.seconds} s`);
  const load = await runLoad({
    fleet,
    client: pub,
    rate: o.rate,
    durationMs: o.seconds * 1000,
    window: o.window,
    onReading: (r) => {
      published.record(r.ts);
      const key = `${r.site}/${r.meter}/${r.channel}`;
      perSeries.set(key, (perSeries.get(key) ?? 0) + 1);
    },
    onProgress: (p) =>
      o.log(
        `sustain: ${p.elapsed_s.toFixed(0)} s sent ${p.sent}, visible ${poller.visible}, load ${loadavg()[0]?.toFixed(1)}, ${cpuSince()}`,
      ),
    progressEveryMs: 15_000,
    // a generator starved of CPU stops at the end of the run's time rather than stretching it: it reports its rate
    signal: AbortSignal.timeout(o.seconds * 1000 + 1000),
  });
  await pub.end();
  const behindAtEnd = published.total - poller.visible;
  const stoppedAt = Date.now();
  await poller.waitForAll(stoppedAt + o.catchUpS * 1000);
  const end = Date.now();
  const c1 = cpuNow();
  const bench = process.cpuUsage(bench0);
  await poller.stop();
  await worker.stop('SIGTERM', 15_000);
  const counts = stoppedCounts(worker.output());
  // Warnings explain a shortfall (a reconnect and its redeliveries, a store retrying): show them with the figures.
  for (const line of worker
    .output()
    .split('\n')
    .filter((l) => /"level":(4|5)\d/.test(l))
    .slice(0, 10)) {
    o.log(`sustain: worker said ${line.slice(0, 300)}`);
  }
  await dropSession(o.brokerUrl, clientId);
  const rows = await rowsPerSeries(o.influxUrl, db);
  let missing = 0;
  let extra = 0;
  for (const [key, n] of perSeries) {
    const stored = rows.get(key) ?? 0;
    missing += Math.max(0, n - stored);
    extra += Math.max(0, stored - n);
  }
  for (const [key, stored] of rows) if (!perSeries.has(key)) extra += stored;
  const n = published.total;
  const hist = poller.histogram;
  const result: SustainResult = {
    rate_offered: o.rate,
    duration_s: o.seconds,
    households: o.households,
    published: n,
    stored: [...rows.values()].reduce((a, b) => a + b, 0),
    missing,
    extra_rows: extra,
    series: perSeries.size,
    behind_at_end: behindAtEnd,
    catch_up_s: Math.round((end - stoppedAt) / 100) / 10,
    worker_received: counts?.received ?? null,
    worker_written: counts?.written ?? null,
    loadgen_rate: Math.round(load.rate),
    loadgen_max_behind: load.max_behind,
    stored_rate: Math.round(poller.visible / (((poller.lastNewAt ?? end) - (load.first_ts ?? t0)) / 1000)),
    p50_ms: hist.percentile(50, n),
    p99_ms: hist.percentile(99, n),
    max_ms: poller.visible >= n ? hist.max() : null,
    window_s: (end - (load.first_ts ?? t0)) / 1000,
    cpu_us: {
      worker: perReading(c0.worker, c1.worker, n),
      mosquitto: perReading(c0.mosquitto, c1.mosquitto, n),
      influxd: perReading(c0.influxd, c1.influxd, n),
      bench: Math.round((bench.user + bench.system) / n),
    },
    load_before: loadBefore,
    load_after: loadavg()[0] as number,
  };
  return result;
}
