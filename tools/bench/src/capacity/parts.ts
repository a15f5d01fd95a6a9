// One measurement per part of the pipeline: start the part's real process(es), push a known number of
// readings through them at a rate every part keeps up with, and read the CPU time each process used from /proc.
import { readFileSync } from 'node:fs';
import { HouseholdFleet, runLoad } from '@wattbus/loadgen-core';
import {
  freePort,
  type InfluxdHandle,
  type MosquittoHandle,
  startApp,
  startMosquitto,
  tempDir,
  waitFor,
} from '@wattbus/testkit';
import mqtt from 'mqtt';
import { type ConsumerHandle, createSession, startRawSubscriber } from '../consumers.js';
import { cpuSeconds } from '../machine.js';

export interface Load {
  rate: number;
  count: number;
}

export interface Measurement {
  readings: number;
  /** CPU seconds per process label while the readings went through. */
  cpu_s: Record<string, number>;
  rss_mb?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resident memory of a process, MB. */
export function rssMb(pid: number): number {
  const kb = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+)/m)?.[1];
  return Math.round(Number(kb) / 1024);
}

/** Waits until the processes use (almost) no CPU any more: they finished with what they were given. */
async function quiet(pids: number[]): Promise<void> {
  const total = () => pids.reduce((sum, pid) => sum + (cpuSeconds(pid) ?? 0), 0);
  let last = total();
  let calm = 0;
  for (let i = 0; i < 120 && calm < 2; i++) {
    await sleep(500);
    const now = total();
    calm = now - last < 0.02 * pids.length ? calm + 1 : 0;
    last = now;
  }
}

/** CPU seconds each process used while `work` ran and until they were quiet again. */
async function cpuDuring(pids: Record<string, number>, work: () => Promise<void>): Promise<Record<string, number>> {
  await quiet(Object.values(pids));
  const before = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, cpuSeconds(pid) ?? 0]));
  await work();
  await quiet(Object.values(pids));
  return Object.fromEntries(
    Object.entries(pids).map(([k, pid]) => [k, (cpuSeconds(pid) ?? 0) - (before[k] as number)]),
  );
}

/** Publishes `load.count` readings of a simulated fleet at `load.rate`, QoS 1, from this process. */
async function publish(url: string, load: Load): Promise<void> {
  const client = await mqtt.connectAsync(url, { clientId: `capacity-pub-${process.pid}` });
  await runLoad({ fleet: new HouseholdFleet({ households: 1000 }), client, rate: load.rate, count: load.count });
  await client.endAsync();
}

const ANONYMOUS_BROKER = (port: number) => ({
  listeners: { tcp: { host: '127.0.0.1', port } },
  auth: { allow_anonymous: true },
});

/** A broker routing every reading to `subscribers` raw QoS 1 subscribers that store nothing. */
export async function measureBroker(
  kind: 'mosquitto' | 'embedded',
  subscribers: number,
  load: Load,
): Promise<Measurement> {
  const { url, pid, stop } = await startBroker(kind);
  const subs: ConsumerHandle[] = [];
  try {
    for (let i = 0; i < subscribers; i++) {
      await createSession(url, `capacity-sub-${i}`);
      subs.push(await startRawSubscriber({ url, clientId: `capacity-sub-${i}` }));
    }
    const cpu = await cpuDuring({ broker: pid }, async () => {
      await publish(url, load);
      await Promise.all(subs.map((s) => s.reached(load.count)));
    });
    return { readings: load.count, cpu_s: cpu };
  } finally {
    await Promise.all(subs.map((s) => s.stop()));
    await stop();
  }
}

async function startBroker(
  kind: 'mosquitto' | 'embedded',
): Promise<{ url: string; pid: number; stop(): Promise<unknown> }> {
  if (kind === 'mosquitto') {
    const m: MosquittoHandle = await startMosquitto({ extraConfig: 'max_inflight_messages 1000' });
    return { url: m.url, pid: m.process().proc.pid as number, stop: () => m.stop() };
  }
  const port = await freePort();
  const app = await startApp('broker', ANONYMOUS_BROKER(port));
  return { url: `mqtt://127.0.0.1:${port}`, pid: app.proc.pid as number, stop: () => app.stop() };
}

/** The sink worker with one sink, behind mosquitto; for InfluxDB also influxd's own CPU. */
export async function measureSinkWorker(
  sink: 'influx' | 'file',
  influx: InfluxdHandle,
  load: Load,
): Promise<Measurement> {
  const broker = await startMosquitto({ extraConfig: 'max_inflight_messages 1000' });
  const dir = await tempDir('wattbus-capacity-file-');
  const db = `capacity_${process.pid}`;
  if (sink === 'influx') await influx.createDatabase(db);
  const sinks = sink === 'influx' ? { influx: { url: influx.url, database: db } } : { file: { dir: dir.path } };
  const worker = await startApp('sink-worker', { mqtt: { url: broker.url }, consumer: { id: 'capacity' }, sinks });
  try {
    const pids: Record<string, number> = { 'sink-worker': worker.proc.pid as number };
    if (sink === 'influx') pids.influxd = influx.process().proc.pid as number;
    const cpu = await cpuDuring(pids, async () => {
      await publish(broker.url, load);
      if (sink === 'influx') {
        await waitFor(async () => (await countRows(influx, db)) >= load.count, {
          what: `${load.count} readings in InfluxDB`,
          timeoutMs: 120_000,
        });
      }
    });
    return { readings: load.count, cpu_s: cpu, rss_mb: rssMb(worker.proc.pid as number) };
  } finally {
    await worker.stop('SIGTERM', 15_000);
    await broker.stop();
    await dir.cleanup();
  }
}

async function countRows(influx: InfluxdHandle, db: string): Promise<number> {
  const [result] = await influx.query('SELECT count("seq") FROM "reading"', db).catch(() => []);
  return Number(result?.series?.[0]?.values?.[0]?.[1] ?? 0);
}

/** The alerter with its default rules, behind mosquitto. */
export async function measureAlerter(load: Load): Promise<Measurement> {
  const broker = await startMosquitto({ extraConfig: 'max_inflight_messages 1000' });
  const alerter = await startApp('alerter', { mqtt: { url: broker.url } });
  try {
    const cpu = await cpuDuring({ alerter: alerter.proc.pid as number }, () => publish(broker.url, load));
    return { readings: load.count, cpu_s: cpu, rss_mb: rssMb(alerter.proc.pid as number) };
  } finally {
    await alerter.stop('SIGTERM', 15_000);
    await broker.stop();
  }
}

/**
 * The edge agent reading `meters` simulated meters (3 channels each) every `intervalMs` for `seconds`: CPU per
 * reading it published, and its resident memory at the end.
 */
export async function measureAgent(meters: number, intervalMs: number, seconds: number): Promise<Measurement> {
  const broker = await startMosquitto();
  const state = await tempDir('wattbus-capacity-agent-');
  const counter = await startRawSubscriber({ url: broker.url, clientId: 'capacity-agent-counter', clean: true });
  const agent = await startApp('edge-agent', {
    site: { id: 'capacity' },
    mqtt: { url: broker.url },
    state_dir: state.path,
    meters: Array.from({ length: meters }, (_, i) => ({
      id: `m${i + 1}`,
      driver: 'simulated',
      interval_ms: intervalMs,
      config: { seed: i + 1, pv_kwp: 3 },
    })),
  });
  try {
    const pid = agent.proc.pid as number;
    await sleep(2000); // start-up (tsx compiling) is not what a household pays every second
    const n0 = counter.count();
    const cpu0 = cpuSeconds(pid) ?? 0;
    await sleep(seconds * 1000);
    const cpu = (cpuSeconds(pid) ?? 0) - cpu0;
    const readings = counter.count() - n0;
    return { readings, cpu_s: { agent: cpu }, rss_mb: rssMb(pid) };
  } finally {
    await agent.stop('SIGTERM', 15_000);
    await counter.stop();
    await broker.stop();
    await state.cleanup();
  }
}
