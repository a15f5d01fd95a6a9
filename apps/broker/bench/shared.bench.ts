import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { InfluxVisibilityPoller, PublishedBuckets } from '@wattbus/bench';
import { HouseholdFleet, runLoad } from '@wattbus/loadgen-core';
import { freePort, startApp, startInfluxd, startMosquitto, tempDir } from '@wattbus/testkit';
import mqtt from 'mqtt';

// Two sink workers sharing one stream through `$share/sinks/...` (MQTT 3.1.1), into one influxd: the embedded broker
// (our app, LevelDB persistence as deployed) against mosquitto, the same load, taking turns in the same run; and, as
// the embedded broker's own baseline, one worker on a plain subscription (what the share costs). Per
// round: readings stored per second and reading → queryable p50/p99 (InfluxDB polled as the e2e bench does), and how
// the two workers split the stream; printed as ratios embedded/mosquitto (medians over the rounds). A benchmark, not
// a test.

const RATE = Number(process.env.SHARE_RATE ?? 3000);
const DURATION_S = Number(process.env.SHARE_DURATION_S ?? 15);
const ROUNDS = Number(process.env.SHARE_ROUNDS ?? 3);
const HOUSEHOLDS = Number(process.env.SHARE_HOUSEHOLDS ?? 500);
const GRACE_S = 20;
const log = (line: string) => process.stderr.write(`[share] ${line}\n`);

interface Broker {
  name: 'embedded' | 'mosquitto';
  url: string;
  stop(): Promise<unknown>;
}

const tmp = await tempDir('wattbus-share-bench-');
const influx = await startInfluxd();
const brokers: Broker[] = await Promise.all([
  (async (): Promise<Broker> => {
    const port = await freePort();
    const app = await startApp('broker', {
      listeners: { tcp: { host: '127.0.0.1', port } },
      auth: { allow_anonymous: true },
      persistence: { path: join(tmp.path, 'aedes') },
    });
    return { name: 'embedded', url: `mqtt://127.0.0.1:${port}`, stop: () => app.stop() };
  })(),
  (async (): Promise<Broker> => {
    // The same unbounded in-flight window the embedded broker has (the e2e bench runs mosquitto so too).
    const m = await startMosquitto({ extraConfig: 'max_inflight_messages 20000' });
    return { name: 'mosquitto', url: m.url, stop: () => m.stop() };
  })(),
]);

type Setup = 'embedded-share' | 'mosquitto-share' | 'embedded-plain';
const SETUPS: Array<{ setup: Setup; broker: Broker['name']; share: boolean }> = [
  { setup: 'embedded-share', broker: 'embedded', share: true },
  { setup: 'mosquitto-share', broker: 'mosquitto', share: true },
  { setup: 'embedded-plain', broker: 'embedded', share: false },
];

interface Round {
  setup: Setup;
  published: number;
  stored: number;
  per_s: number;
  p50_ms: number | null;
  p99_ms: number | null;
  split: number[];
}

const received = (output: string) => {
  const line = output.split('\n').find((l) => l.includes('"msg":"stopped"'));
  return (JSON.parse(line ?? '{}') as { received?: number }).received ?? 0;
};

async function round(setup: Setup, broker: Broker, share: boolean, n: number): Promise<Round> {
  const db = `${setup.replace('-', '_')}_${n}`;
  await influx.createDatabase(db);
  const workers = await Promise.all(
    (share ? ['a', 'b'] : ['a']).map((w) =>
      startApp('sink-worker', {
        mqtt: { url: broker.url, protocol_version: 4 },
        consumer: { id: `${setup}-${n}-${w}`, ...(share && { share_group: `sinks${n}` }) },
        sinks: { influx: { url: influx.url, database: db } },
      }),
    ),
  );
  const published = new PublishedBuckets(10);
  const t0 = Date.now();
  const poller = new InfluxVisibilityPoller({ url: influx.url, db, intervalMs: 100 }, published, t0);
  poller.start();
  const pub = await mqtt.connectAsync(broker.url, { clientId: `${setup}-loadgen-${n}` });
  const load = await runLoad({
    fleet: new HouseholdFleet({ households: HOUSEHOLDS }),
    client: pub,
    rate: RATE,
    durationMs: DURATION_S * 1000,
    onReading: (r) => published.record(r.ts),
  });
  await pub.endAsync();
  await poller.waitForAll(Date.now() + GRACE_S * 1000);
  await poller.stop();
  await Promise.all(workers.map((w) => w.stop('SIGTERM', 15_000)));
  const first = load.first_ts ?? t0;
  const result: Round = {
    setup,
    published: published.total,
    stored: poller.visible,
    per_s: poller.visible / (((poller.lastNewAt ?? first) - first) / 1000),
    p50_ms: poller.histogram.percentile(50, published.total),
    p99_ms: poller.histogram.percentile(99, published.total),
    split: workers.map((w) => received(w.output())),
  };
  log(JSON.stringify(result));
  return result;
}

const rounds: Round[] = [];
try {
  for (let n = 0; n < ROUNDS; n++) {
    // Alternate who goes first, so none always runs on the fresher machine.
    for (const { setup, broker, share } of n % 2 === 0 ? SETUPS : [...SETUPS].reverse()) {
      rounds.push(await round(setup, brokers.find((b) => b.name === broker) as Broker, share, n));
      await sleep(1000);
    }
  }
} finally {
  await Promise.all([...brokers.map((b) => b.stop()), influx.stop()]);
  await tmp.cleanup();
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0
    ? Number.NaN
    : ((s[Math.floor((s.length - 1) / 2)] ?? 0) + (s[Math.ceil((s.length - 1) / 2)] ?? 0)) / 2;
};
type Key = 'per_s' | 'p50_ms' | 'p99_ms';
const of = (setup: Setup, key: Key) => median(rounds.filter((r) => r.setup === setup).map((r) => r[key] ?? Number.NaN));
const figures = (setup: Setup) => ({
  per_s: of(setup, 'per_s'),
  p50_ms: of(setup, 'p50_ms'),
  p99_ms: of(setup, 'p99_ms'),
});
const ratios = (a: Setup, b: Setup) => ({
  stored_per_s: of(a, 'per_s') / of(b, 'per_s'),
  p50: of(a, 'p50_ms') / of(b, 'p50_ms'),
  p99: of(a, 'p99_ms') / of(b, 'p99_ms'),
});
const lost = rounds.filter((r) => r.stored < r.published).map((r) => `${r.setup}#${rounds.indexOf(r)}`);
const summary = {
  bench: 'broker-share',
  offered_per_s: RATE,
  duration_s: DURATION_S,
  rounds: ROUNDS,
  medians: Object.fromEntries(SETUPS.map(({ setup }) => [setup, figures(setup)])),
  ratio_embedded_share_to_mosquitto_share: ratios('embedded-share', 'mosquitto-share'),
  ratio_embedded_share_to_embedded_plain: ratios('embedded-share', 'embedded-plain'),
  incomplete_rounds: lost,
};
console.log(JSON.stringify(summary));
