import { setTimeout as sleep } from 'node:timers/promises';
import type { Rng } from '@wattbus/fault-suite/seed';
import { waitFor } from '@wattbus/testkit';
import { leave, type Squat, squat } from './client-id-attacks.js';
import type { Corpus } from './corpus.js';
import type { Deployment } from './deployment.js';
import type { HostileSender } from './hostile-sender.js';
import { checkConsumers } from './letters.js';
import { rssMiB } from './listener-process.js';
import { attackPortal, crossTenantReads, login, type PortalAttackResult } from './portal-attacks.js';
import { RawMqtt } from './raw-mqtt.js';
import { HOSTILE, type Hostile } from './verdict.js';

export interface AttackContext {
  d: Deployment;
  sender: HostileSender;
  corpus: Corpus;
  rng: Rng;
  /** Adds a line to the run's story (printed with any failure). */
  note(what: string): void;
}

export interface AttackResults {
  /** The retained deep info of item 2, which the alerter dead-letters again when it restarts. */
  deep: Hostile;
  squats: Squat[];
  /** Per never-reading subscriber (house-12, dash-martin): whether the broker dropped it. */
  neverReadersDropped: boolean[];
  /** The broker's resident memory before item 4 and while its subscribers did not read (MiB). */
  brokerRssMiB: number[];
  portal: PortalAttackResult;
  /** dash-lena's login at the portal after the attacks. */
  goodLogin: number;
  /** House-12, logged in to the portal, asks for other households' data: status per path. */
  crossTenantReads: Record<string, number>;
  /** Procedural attacks (connections, restarts, requests) beside the messages the sender counts. */
  steps: number;
}

/** Issue #16's attacks in order, then the generated cases; item 6 last, once the consumers judged everything else. */
export async function runAttacks({ d, sender, corpus, rng, note }: AttackContext): Promise<AttackResults> {
  const password = d.fixture.passwords[HOSTILE];
  await sender.send(corpus.seedCorpus());
  note('seed corpus sent (items 1, 3, 9, 10, 14)');

  const deep = corpus.deepInfo();
  await sender.send([deep]);
  await waitFor(() => d.lettersOf('alerter').some((l) => l.payload_bytes === deep.payload.length), {
    timeoutMs: 10_000,
    what: 'the deep info dead-lettered by the alerter',
  }).catch((err) => note((err as Error).message));
  await d.alerter.restart();
  note('item 2: alerter restarted with the deep info retained');
  await sender.send([corpus.validInfo(), corpus.wideInfo(), corpus.validInfo()]);
  note('item 7: 8,000-channel info sent and replaced');

  // house-12 may read nothing (the ACL); its dashboard user, dash-martin, reads house-12 and house-13
  const stall = async (user: 'house-12' | 'dash-martin', filter: string) => {
    const login = { port: d.tlsPort, ca: d.ca, username: user, password: d.fixture.passwords[user] };
    const { client } = await RawMqtt.open({ ...login, clientId: `${user}-stalled` });
    await client.subscribe(filter, 1);
    client.stall();
    return client;
  };
  const stalled = [await stall(HOSTILE, `wattbus/v1/${HOSTILE}/#`), await stall('dash-martin', 'wattbus/v1/#')];
  const rss = [d.brokerPid === undefined ? Number.NaN : await rssMiB(d.brokerPid)];
  await sender.send(corpus.flood(1_200, 4_096), 100);
  await sender.send(corpus.flood(300, 60_000), 20);
  note('item 4: 1,200 × 4 kB and 300 × 60 kB sent past two subscribers that never read');
  await sleep(4_000);
  if (d.brokerPid !== undefined) rss.push(await rssMiB(d.brokerPid));
  const neverReadersDropped: boolean[] = [];
  for (const s of stalled) {
    s.unstall();
    await sleep(300);
    neverReadersDropped.push(s.closed);
    await s.end();
  }

  const squats: Squat[] = [];
  const hostileLogin = d.householdLogin(HOSTILE);
  const squatFor = async (clientId: string, clean: boolean, holdMs: number) => {
    const s = await squat(hostileLogin, clientId, clean);
    squats.push(s);
    await sleep(holdMs);
    await leave([s]);
  };
  await squatFor('sink-worker', true, 1_000);
  await squatFor('sink-worker', false, 1_000);
  await d.sink.stop();
  await squatFor('sink-worker', true, 500);
  await squatFor('sink-worker', false, 500);
  await d.sink.start();
  note(
    `item 5: client id sink-worker taken while the worker ran and while it was stopped: ${squats.map((s) => s.outcome).join(', ')}`,
  );

  for (let seq = 1; seq <= 15; seq++) {
    await sender.send([corpus.overload(Date.now(), seq)]);
    await sleep(200);
  }
  note('item 10: 3 s of overload on the channel that got a 2099 reading');

  const portal = await attackPortal(d.portalPort, { username: HOSTILE, password });
  const goodLogin = await login(
    d.portalPort,
    { username: 'dash-lena', password: d.fixture.passwords['dash-lena'] },
    '127.0.0.3',
  );
  const reads = await crossTenantReads(d.portalPort, { username: HOSTILE, password });
  note(`items 11, 12: portal attacked; dash-lena's login from another address: ${goodLogin}; ${JSON.stringify(reads)}`);

  await sender.will(
    {
      attack: '14 Will forging house-13 sign alert',
      topic: 'wattbus/v1/alerts/house-13/sign',
      payload: Buffer.from('{"forged":true}'),
      retain: true,
    },
    '$SYS/#',
  );
  // Several, each of its own size, half subscribed to $SYS/# and half to their own topics: each must reach the
  // alerter (and be dead-lettered there), however the broker's handling of a dying client is timed.
  for (let i = 0; i < 6; i++) {
    const depth = 5_000 + i;
    await sender.will(
      {
        attack: `14 Will: own status nested ${depth} deep`,
        topic: `wattbus/v1/${HOSTILE}/status`,
        payload: Buffer.from(`{"v":1,"state":"offline","ts":1,"agent":${'['.repeat(depth)}${']'.repeat(depth)}}`),
      },
      i % 2 === 0 ? '$SYS/#' : `wattbus/v1/${HOSTILE}/#`,
    );
  }
  const generated = corpus.generated(rng);
  await sender.send(generated);
  note(`${generated.length} generated cases sent; ${sender.connections} hostile connections`);

  // Item 6 comes last, once the consumers have judged everything: a service kept out would stop the judging.
  const judged = () => {
    const letters = { sink: d.lettersOf('sink-worker'), alerter: d.lettersOf('alerter') };
    return Object.values(checkConsumers(letters, sender.sent, deep)).every((c) => c.missing.length === 0);
  };
  await waitFor(judged, { timeoutMs: 20_000, what: 'every expected dead letter' }).catch((err) =>
    note((err as Error).message),
  );
  await sleep(1_000); // and their acknowledgements are with the broker
  await Promise.all([d.sink.stop(), d.alerter.stop()]);
  const squatters = await Promise.all(
    ['alerter', 'alerter-state', 'sink-worker', 'sink-worker-sites'].map((id) => squat(hostileLogin, id, false)),
  );
  squats.push(...squatters);
  await sleep(1_500);
  await leave(squatters);
  await Promise.all([d.sink.start(), d.alerter.start()]);
  note(`item 6: services restarted after squatting: ${squatters.map((s) => `${s.clientId} ${s.outcome}`).join(', ')}`);

  return {
    deep,
    squats,
    neverReadersDropped,
    brokerRssMiB: rss,
    crossTenantReads: reads,
    portal,
    goodLogin,
    steps: stalled.length + squats.length + portal.requests + Object.keys(reads).length + 2,
  };
}
