import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { READ, WRITE } from '@wattbus/mqtt/acl';
import { formatPasswordHash, hashPassword } from '@wattbus/mqtt/passwords';
import { freePort, REPO_ROOT, startApp, startMosquitto, tempDir } from '@wattbus/testkit';
import mqtt, { type MqttClient } from 'mqtt';
import { AccessControl } from '../src/auth/access-control.js';
import { AuthFiles } from '../src/auth/auth-files.js';
import { ReservedClientIds } from '../src/auth/reserved-client-ids.js';
import { SessionOwners } from '../src/auth/session-owners.js';

// QoS1 messages per second through each broker, publisher to subscriber: 4 agents publish their readings
// (each with up to WINDOW unacknowledged), one sink-worker subscribes to wattbus/v1/+/+/reading. Aedes runs
// as our app (a separate process) with and without authentication + the deployed ACL, and so does mosquitto,
// from the same password and ACL files. All three stay up and take turns, ratios use the medians,
// and the broker's CPU time per message is reported too: on a shared machine it is far less noisy.

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 40_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const WINDOW = 200;
const AGENTS = ['house-12', 'house-13', 'house-14', 'house-15'];
const TARGET_RATIO = 0.9;
const PAYLOAD = JSON.stringify({
  v: 1,
  site: 'house-12',
  meter: 'main',
  channel: 'grid',
  role: 'grid',
  seq: 1042,
  ts: 1763800000000,
  values: { power_w: 1234.5, energy_import_wh: 1200345, voltage_v_l1: 231.2 },
});

interface Broker {
  url: string;
  auth: boolean;
  pid: number;
  stop(): Promise<unknown>;
}

const tmp = await tempDir('wattbus-broker-bench-');
const passwordFile = join(tmp.path, 'passwd');
const password = 'bench-password';
const users = [...AGENTS, 'sink-worker'];
const lines = await Promise.all(users.map(async (u) => `${u}:${formatPasswordHash(await hashPassword(password))}`));
await writeFile(passwordFile, `${lines.join('\n')}\n`);
const aclFile = join(REPO_ROOT, 'deploy/mosquitto/acl');

const configurations: Record<string, () => Promise<Broker>> = {
  'aedes (no auth, no ACL)': async () => {
    const port = await freePort();
    const config = {
      listeners: { tcp: { host: '127.0.0.1', port } },
      auth: { allow_anonymous: true },
      limits: { connection_rate: { per_second: 0 } },
    };
    const proc = await startApp('broker', config);
    return { url: `mqtt://127.0.0.1:${port}`, auth: false, pid: proc.proc.pid as number, stop: () => proc.stop() };
  },
  'aedes (auth + ACL)': async () => {
    const port = await freePort();
    const config = {
      listeners: { tcp: { host: '127.0.0.1', port } },
      auth: { password_file: passwordFile, acl_file: aclFile },
      limits: { connection_rate: { per_second: 0 } },
    };
    const proc = await startApp('broker', config);
    return { url: `mqtt://127.0.0.1:${port}`, auth: true, pid: proc.proc.pid as number, stop: () => proc.stop() };
  },
  'mosquitto (no auth, no ACL)': async () => {
    const m = await startMosquitto({ extraConfig: 'max_inflight_messages 20000' });
    return { url: m.url, auth: false, pid: m.process().proc.pid as number, stop: () => m.stop() };
  },
  'mosquitto (auth + ACL)': async () => {
    const m = await startMosquitto({
      extraConfig: `allow_anonymous false\npassword_file ${passwordFile}\nacl_file ${aclFile}\nmax_inflight_messages 20000`,
    });
    return { url: m.url, auth: true, pid: m.process().proc.pid as number, stop: () => m.stop() };
  },
};

async function connect(url: string, username: string | undefined, auth: boolean): Promise<MqttClient> {
  return mqtt.connectAsync(url, {
    reconnectPeriod: 0,
    ...(auth && username !== undefined && { username, password }),
  });
}

/** Publishes `count` QoS1 messages from `client`, keeping up to WINDOW unacknowledged. */
function publishAll(client: MqttClient, topic: string, count: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let acked = 0;
    const next = () => {
      if (sent >= count) return;
      sent++;
      client.publish(topic, PAYLOAD, { qos: 1 }, (err) => {
        if (err) return reject(err);
        acked++;
        if (acked === count) resolve();
        else next();
      });
    };
    for (let i = 0; i < Math.min(WINDOW, count); i++) next();
  });
}

/** CPU time (user + system) a process has used, in seconds, from /proc (clock ticks of 10 ms). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

interface Run {
  perSecond: number;
  /** Broker CPU per message: unlike wall time, barely affected by other work on the machine. */
  cpuMicros: number;
}

async function measure(broker: Broker, messages = MESSAGES): Promise<Run> {
  const sink = await connect(broker.url, 'sink-worker', broker.auth);
  let received = 0;
  let done: () => void = () => {};
  const all = new Promise<void>((resolve) => {
    done = resolve;
  });
  sink.on('message', () => {
    if (++received === messages) done();
  });
  await sink.subscribeAsync('wattbus/v1/+/+/reading', { qos: 1 });
  const agents = await Promise.all(AGENTS.map((a) => connect(broker.url, a, broker.auth)));
  const cpuBefore = cpuSeconds(broker.pid);
  const start = process.hrtime.bigint();
  await Promise.all(
    agents.map((client, i) => publishAll(client, `wattbus/v1/${AGENTS[i]}/main/reading`, messages / AGENTS.length)),
  );
  await all;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = cpuSeconds(broker.pid) - cpuBefore;
  await Promise.all([sink, ...agents].map((c) => c.endAsync()));
  return { perSecond: messages / seconds, cpuMicros: (cpu * 1e6) / messages };
}

/**
 * The ACL's share of the work, measured in-process where the noise of a shared machine matters less: each
 * message costs one write check (the publisher) and one read check per subscriber, here across 1000 sites.
 */
async function aclChecksPerSecond(): Promise<number> {
  const files = new AuthFiles({ passwordFile: undefined, aclFile });
  await files.load();
  const owners = new SessionOwners(undefined);
  const sites = Array.from({ length: 1000 }, (_, i) => `house-${i}`);
  for (const site of sites) await owners.bind(site, site, false, {});
  await owners.bind('sink', 'sink-worker', false, {});
  const access = new AccessControl(files, owners, new ReservedClientIds([]));
  const topics = sites.map((site) => `wattbus/v1/${site}/main/reading`);
  let n = 0;
  let ok = 0;
  const start = process.hrtime.bigint();
  const end = start + 2_000_000_000n;
  while (process.hrtime.bigint() < end) {
    for (let i = 0; i < 1000; i++) {
      if (access.allows(sites[i] as string, WRITE, topics[i] as string)) ok++;
      if (access.allows('sink', READ, topics[i] as string)) ok++;
    }
    n += 1000;
  }
  if (ok !== 2 * n) throw new Error('the ACL refused a message it must allow');
  return n / (Number(process.hrtime.bigint() - start) / 1e9);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
const names = Object.keys(configurations);
const runs: Record<string, Run[]> = Object.fromEntries(names.map((name) => [name, []]));
const brokers: Record<string, Broker> = {};
try {
  for (const name of names) brokers[name] = await (configurations[name] as () => Promise<Broker>)();
  for (const broker of Object.values(brokers)) await measure(broker, MESSAGES / 4); // warm-up: JIT, caches
  // All brokers stay up and take turns, so that whatever else the machine does hits them alike.
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of names) runs[name]?.push(await measure(brokers[name] as Broker));
  }
} finally {
  await Promise.all(Object.values(brokers).map((b) => b.stop()));
  await tmp.cleanup();
}
const aclRate = await aclChecksPerSecond();

interface Summary {
  best: number;
  median: number;
  cpuMicros: number;
}
const summarize = (r: Run[]): Summary => {
  const rates = r.map((x) => x.perSecond);
  return { best: Math.max(...rates), median: median(rates), cpuMicros: median(r.map((x) => x.cpuMicros)) };
};
const summary = new Map(names.map((name) => [name, summarize(runs[name] ?? [])]));
const [open, secured, , mosquitto] = [...summary.values()] as [Summary, Summary, Summary, Summary];
const ratio = secured.median / open.median;
const cpuRatio = open.cpuMicros / secured.cpuMicros;
const aclShare = 1e6 / aclRate / secured.cpuMicros;
const fmt = (n: number) => Math.round(n).toLocaleString('en');

console.log(`QoS1 messages/s, ${MESSAGES} per run, ${AGENTS.length} publishers → 1 subscriber, ${ROUNDS} runs each`);
console.log(
  `${'broker'.padEnd(26)}${'best /s'.padStart(10)}${'median /s'.padStart(11)}${'broker CPU/msg'.padStart(16)}`,
);
for (const [name, s] of summary) {
  const cpu = `${s.cpuMicros.toFixed(1)} µs`;
  console.log(`${name.padEnd(26)}${fmt(s.best).padStart(10)}${fmt(s.median).padStart(11)}${cpu.padStart(16)}`);
}
console.log(
  `aedes auth+ACL / aedes without: ${ratio.toFixed(3)} (median messages/s), ${cpuRatio.toFixed(3)} (CPU/msg)`,
);
console.log(`  target ≥ ${TARGET_RATIO}`);
console.log(
  `aedes auth+ACL / mosquitto auth+ACL: ${(secured.median / mosquitto.median).toFixed(3)} (median messages/s), ` +
    `${(mosquitto.cpuMicros / secured.cpuMicros).toFixed(3)} (CPU/msg)`,
);
console.log(
  `the ACL alone, in-process: ${(1e9 / aclRate).toFixed(0)} ns per message (one publish and one forward check), ` +
    `${(aclShare * 100).toFixed(1)}% of Aedes' CPU per message`,
);
console.log(
  JSON.stringify({
    bench: 'broker.qos1_throughput',
    messages_per_run: MESSAGES,
    runs: ROUNDS,
    brokers: Object.fromEntries(
      [...summary].map(([name, s]) => [
        name,
        {
          best_per_second: Math.round(s.best),
          median_per_second: Math.round(s.median),
          cpu_us_per_message: Number(s.cpuMicros.toFixed(2)),
        },
      ]),
    ),
    ratio_auth_vs_open: Number(ratio.toFixed(3)),
    ratio_auth_vs_open_cpu: Number(cpuRatio.toFixed(3)),
    ratio_aedes_vs_mosquitto: Number((secured.median / mosquitto.median).toFixed(3)),
    ratio_aedes_vs_mosquitto_cpu: Number((mosquitto.cpuMicros / secured.cpuMicros).toFixed(3)),
    acl_ns_per_message: Math.round(1e9 / aclRate),
    target_ratio: TARGET_RATIO,
    pass: ratio >= TARGET_RATIO,
  }),
);
