import { setTimeout as sleep } from 'node:timers/promises';
import type { TargetName } from '@wattbus/broker/test/helpers/targets.js';
import { type Alert, decodeMessage, type Reading } from '@wattbus/contract';
import { faultSeed, makeRng } from '@wattbus/fault-suite/seed';
import { readStoredReadings, waitFor } from '@wattbus/testkit';
import mqtt from 'mqtt';
import { leave, type Squat, squat } from './client-id-attacks.js';
import { Corpus } from './corpus.js';
import { DATABASE, Deployment } from './deployment.js';
import { readFileSink } from './file-sink.js';
import { HostileSender } from './hostile-sender.js';
import { GOOD, GoodHousehold, OtherPair } from './households.js';
import { checkLetters, type LetterCheck } from './letters.js';
import { lostRuns } from './lost-runs.js';
import { attackPortal, login, type PortalAttackResult } from './portal-attacks.js';
import { RawMqtt } from './raw-mqtt.js';
import { HOSTILE } from './verdict.js';

export interface TenantReport {
  broker: TargetName;
  seed: number;
  attacks: number;
  /** Exits nobody asked for (sink worker, alerter, portal) and a broker that no longer answers. */
  crashes: string[];
  failedStarts: string[];
  goodSent: number;
  goodUnacked: number;
  /** Good readings missing in influx: how many, and as runs per channel. */
  goodLost: number;
  goodLostRuns: string[];
  goodDuplicated: number;
  goodMissingInFiles: number;
  /** Rows stored under house-13 that house-13 did not send. */
  foreignRows: string[];
  /** Per consumer: dead letters expected by the contract and not published, and published but not expected. */
  dlq: Record<'sink-worker' | 'alerter', LetterCheck>;
  /** Contract-valid readings the sink neither stored nor dead-lettered (or did both). */
  validNotStoredOnce: string[];
  storeRefused: string[];
  goodAlert: Alert | undefined;
  hostileOverloadAlert: Alert | undefined;
  other: { p50: number; p99: number; count: number };
  portal: PortalAttackResult & { goodLogin: number };
  squats: string[];
  neverReadersDropped: boolean[];
  story: string[];
}

const key = (r: { meter: string; channel: string; ts: number }) => `${r.meter}/${r.channel}@${r.ts}`;

/**
 * Issue #16's hostile-tenant run against one broker: the good household and the unrelated pair stream while house-12
 * tries every attack; then the store, the dead letters and the alerts are compared with what was sent.
 */
export async function runTenantSuite(broker: TargetName): Promise<TenantReport> {
  const seed = faultSeed({ WATTBUS_FAULT_SEED: process.env.WATTBUS_TENANT_SEED });
  const rng = makeRng(seed);
  console.log(`tenants[${broker}] seed=${seed} (replay: WATTBUS_TENANT_SEED=${seed})`);
  const t0 = Date.now();
  const story: string[] = [];
  const note = (what: string) => story.push(`+${((Date.now() - t0) / 1000).toFixed(1)}s ${what}`);

  const d = await Deployment.start(broker);
  const closers: Array<() => Promise<unknown>> = [];
  try {
    const password = d.fixture.passwords[HOSTILE];
    const good = await GoodHousehold.start(d.householdLogin(GOOD));
    closers.push(() => good.close());
    const other = await OtherPair.start(d.householdLogin('house-14'), d.householdLogin('dash-lena', 'wss'));
    closers.push(() => other.close());
    const sender = new HostileSender({ port: d.tlsPort, ca: d.ca, password });
    closers.push(() => sender.close());
    const corpus = new Corpus(Date.now());
    note('deployment up, good household and the other pair streaming');
    await sleep(2_000);
    const attackStart = Date.now();

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
    await sender.send(corpus.flood(1_200), 100);
    note('item 4: 1,200 × 4 kB sent past two subscribers that never read');
    await sleep(4_000);
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
    note(`items 11, 12: portal attacked; dash-lena's login from another address: ${goodLogin}`);

    await sender.will(
      {
        attack: '14 Will forging house-13 sign alert',
        topic: 'wattbus/v1/alerts/house-13/sign',
        payload: Buffer.from('{"forged":true}'),
        retain: true,
      },
      '$SYS/#',
    );
    await sender.will(
      {
        attack: '14 Will: own status nested 5,000 deep',
        topic: `wattbus/v1/${HOSTILE}/status`,
        payload: Buffer.from(`{"v":1,"state":"offline","ts":1,"agent":${'['.repeat(5_000)}${']'.repeat(5_000)}}`),
      },
      '$SYS/#',
    );
    const generated = corpus.generated(rng);
    await sender.send(generated);
    const attackEnd = Date.now();
    note(`${generated.length} generated cases sent; ${sender.connections} hostile connections`);

    // Item 6 comes last, once the consumers have judged everything: a service kept out would stop the judging.
    // the alerter dead-letters the deep info twice: live, and from the retained message when it restarts
    const expected = {
      sink: sender.sent.filter((s) => s.sink === 'dlq').length,
      alerter: sender.sent.filter((s) => s.alerter === 'dlq').length + 1,
    };
    await waitFor(
      () => d.lettersOf('sink-worker').length >= expected.sink && d.lettersOf('alerter').length >= expected.alerter,
      { timeoutMs: 20_000, what: 'the expected dead letters' },
    ).catch((err) => note((err as Error).message));
    await Promise.all([d.sink.stop(), d.alerter.stop()]);
    const squatters = await Promise.all(
      ['alerter', 'alerter-state', 'sink-worker', 'sink-worker-sites'].map((id) => squat(hostileLogin, id, false)),
    );
    squats.push(...squatters);
    await sleep(1_500);
    await leave(squatters);
    await Promise.all([d.sink.start(), d.alerter.start()]);
    note(
      `item 6: services restarted after squatting: ${squatters.map((s) => `${s.clientId} ${s.outcome}`).join(', ')}`,
    );

    good.negative();
    await sleep(4_000);
    await good.stop();
    note(`good household stopped: ${good.sent.length} readings, ${good.unacked} unacknowledged`);

    const goodKeys = new Set(good.sent.map(key));
    const stored = async () => readStoredReadings(d.influx, DATABASE).catch(() => []);
    let rows = await stored();
    const goodRows = () => rows.filter((r) => r.tags.site === GOOD);
    await waitFor(
      async () => {
        rows = await stored();
        return (
          goodRows().filter((r) =>
            goodKeys.has(key({ meter: r.tags.meter ?? '', channel: r.tags.channel ?? '', ts: r.ts })),
          ).length >= goodKeys.size
        );
      },
      { timeoutMs: 45_000, intervalMs: 1_000, what: `${goodKeys.size} good readings stored` },
    ).catch((err) => note((err as Error).message));

    const alerts = await readAlerts(d);
    await sleep(1_000); // a late or extra dead letter would show up now
    rows = await stored();

    const goodStored = goodRows().map((r) =>
      key({ meter: r.tags.meter ?? '', channel: r.tags.channel ?? '', ts: r.ts }),
    );
    const storedSet = new Set(goodStored);
    const inFiles = new Set((await readFileSink(d.files.path)).filter((r) => r.site === GOOD).map(key));
    const hostileStored = new Set(
      rows
        .filter((r) => r.tags.site === HOSTILE)
        .map((r) => key({ meter: r.tags.meter ?? '', channel: r.tags.channel ?? '', ts: r.ts })),
    );
    const sinkLetters = d.lettersOf('sink-worker');
    const alerterLetters = d.lettersOf('alerter');
    const sinkCheck = checkLetters(
      sinkLetters,
      sender.sent.map((s) => ({ message: s, verdict: s.sink })),
      true,
    );
    const alerterCheck = checkLetters(
      alerterLetters,
      [...sender.sent.map((s) => ({ message: s, verdict: s.alerter })), { message: deep, verdict: 'dlq' as const }],
      false,
    );
    const takes = sender.sent.filter((s) => s.sink === 'take');
    const validNotStoredOnce = takes.flatMap((s) => {
      const decoded = decodeMessage(s.topic.toString(), s.payload, { maxFutureMs: Number.POSITIVE_INFINITY });
      const reading = (decoded as { ok: true; value: { value: Reading } }).value.value;
      const isStored = hostileStored.has(key(reading));
      const isRefused = sinkCheck.refused.includes(s);
      return isStored === isRefused ? [`${s.attack}: stored=${isStored} dead-lettered=${isRefused}`] : [];
    });
    const lost = good.sent.filter((r) => !storedSet.has(key(r)));
    const p = other.percentiles(attackStart, attackEnd);
    const crashes = [d.sink, d.alerter, d.portal].flatMap((s) => s.crashes);
    if (!(await d.brokerAlive())) crashes.push(`${broker} broker no longer takes connections`);
    const attacks = sender.sent.length + stalled.length + squats.length + portal.requests + 1;
    const report: TenantReport = {
      broker,
      seed,
      attacks,
      crashes,
      failedStarts: [d.sink, d.alerter, d.portal].flatMap((s) => s.failedStarts),
      goodSent: good.sent.length,
      goodUnacked: good.unacked,
      goodLost: lost.length,
      goodLostRuns: lostRuns(lost, t0),
      goodDuplicated: goodStored.length - storedSet.size,
      goodMissingInFiles: good.sent.filter((r) => !inFiles.has(key(r))).length,
      foreignRows: goodStored.filter((k) => !goodKeys.has(k)),
      dlq: { 'sink-worker': sinkCheck, alerter: alerterCheck },
      validNotStoredOnce,
      storeRefused: sinkCheck.refused.map((s) => s.attack),
      goodAlert: alerts.good,
      hostileOverloadAlert: alerts.overload,
      other: p,
      portal: { ...portal, goodLogin },
      squats: squats.map((s) => `${s.clientId}(clean=${s.clean}) ${s.outcome}`),
      neverReadersDropped,
      story,
    };
    const letterReasonless = [...sinkLetters, ...alerterLetters].filter((l) => !l.reason);
    if (letterReasonless.length > 0)
      report.dlq.alerter.unexpected.push(`${letterReasonless.length} dead letters without a reason`);
    console.log(
      `tenants[${broker}] seed=${seed} attacks=${attacks} consumers_crashed=${crashes.length} good_lost=${report.goodLost} ` +
        `good_duplicated=${report.goodDuplicated} other_p50_ms=${p.p50} other_p99_ms=${p.p99}`,
    );
    console.log(
      `tenants[${broker}] hostile_messages=${sender.sent.length} hostile_connections=${sender.connections} ` +
        `sink: expected_dlq=${sinkCheck.expected} dlq=${sinkLetters.length} store_refused=${sinkCheck.refused.length} stored_valid=${takes.length - sinkCheck.refused.length} ` +
        `alerter: expected_dlq=${alerterCheck.expected} dlq=${alerterLetters.length} ` +
        `illegal_topics_dead_lettered=${sinkCheck.illegalPassed}+${alerterCheck.illegalPassed} unseen=${sender.sent.filter((s) => s.sink === 'unseen' && s.alerter === 'unseen').length} ` +
        `good_sent=${good.sent.length} good_alert=${alerts.good?.state ?? 'none'} overload_alert=${alerts.overload?.state ?? 'none'} ` +
        `never_readers_dropped=${neverReadersDropped.join('/')} portal_wrong_logins=${JSON.stringify(portal.wrongLogins)} ` +
        `portal_rotating_xff=${JSON.stringify(portal.rotatingForwardedFor)} good_portal_login=${goodLogin} other_samples=${p.count}`,
    );
    return report;
  } finally {
    for (const close of closers.reverse()) await close().catch(() => {});
    await d.dispose();
  }
}

/** The retained alerts the suite expects: house-13's sign alert (raised), house-12's overload after its 2099 reading. */
async function readAlerts(d: Deployment): Promise<{ good: Alert | undefined; overload: Alert | undefined }> {
  const reader = await mqtt.connectAsync(d.broker.tls, { ...d.householdLogin('dash-martin'), reconnectPeriod: 0 });
  const got = new Map<string, Alert>();
  reader.on('message', (topic, payload) => {
    try {
      got.set(topic, JSON.parse(payload.toString()) as Alert);
    } catch {
      got.set(topic, { state: 'not JSON' } as unknown as Alert);
    }
  });
  const goodTopic = `wattbus/v1/alerts/${GOOD}/sign`;
  const overloadTopic = `wattbus/v1/alerts/${HOSTILE}/overload`;
  await reader.subscribeAsync([goodTopic, overloadTopic], { qos: 1 });
  await waitFor(() => got.get(goodTopic)?.state === 'raised' && got.get(overloadTopic)?.state === 'raised', {
    timeoutMs: 15_000,
  }).catch(() => {});
  await reader.endAsync(true);
  return { good: got.get(goodTopic), overload: got.get(overloadTopic) };
}
