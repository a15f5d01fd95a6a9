import { setTimeout as sleep } from 'node:timers/promises';
import type { TargetName } from '@wattbus/broker-targets';
import { type Alert, decodeMessage, type Reading } from '@wattbus/contract';
import { faultSeed, makeRng } from '@wattbus/fault-suite/seed';
import { readStoredReadings, type StoredReading, waitFor } from '@wattbus/testkit';
import mqtt from 'mqtt';
import { runAttacks } from './attacks.js';
import { Corpus } from './corpus.js';
import { DATABASE, Deployment } from './deployment.js';
import { readFileSink } from './file-sink.js';
import { HostileSender } from './hostile-sender.js';
import { GOOD, GoodHousehold, OtherPair } from './households.js';
import { checkConsumers, type LetterCheck } from './letters.js';
import { lostRuns } from './lost-runs.js';
import type { PortalAttackResult } from './portal-attacks.js';
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
  /** The sink worker's /healthz at the end. */
  sinkHealth: unknown;
  hostileOverloadAlert: Alert | undefined;
  other: { p50: number; p99: number; count: number };
  portal: PortalAttackResult & { goodLogin: number; crossTenantReads: Record<string, number> };
  squats: string[];
  neverReadersDropped: boolean[];
  story: string[];
}

const key = (r: { meter: string; channel: string; ts: number }) => `${r.meter}/${r.channel}@${r.ts}`;
const rowKey = (r: StoredReading) => key({ meter: r.tags.meter ?? '', channel: r.tags.channel ?? '', ts: r.ts });

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

    const attacks = await runAttacks({ d, sender, corpus, rng, note });
    const attackEnd = Date.now();

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
        return goodRows().filter((r) => goodKeys.has(rowKey(r))).length >= goodKeys.size;
      },
      { timeoutMs: 45_000, intervalMs: 1_000, what: `${goodKeys.size} good readings stored` },
    ).catch((err) => note((err as Error).message));

    const alerts = await readAlerts(d);
    await sleep(1_000); // a late or extra dead letter would show up now
    rows = await stored();

    const goodStored = goodRows().map(rowKey);
    const storedSet = new Set(goodStored);
    const inFiles = new Set((await readFileSink(d.files.path)).filter((r) => r.site === GOOD).map(key));
    const hostileStored = new Set(rows.filter((r) => r.tags.site === HOSTILE).map(rowKey));
    const sinkLetters = d.lettersOf('sink-worker');
    const alerterLetters = d.lettersOf('alerter');
    const checks = checkConsumers({ sink: sinkLetters, alerter: alerterLetters }, sender.sent, attacks.deep);
    const sinkCheck = checks['sink-worker'];
    const alerterCheck = checks.alerter;
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
    const attackCount = sender.sent.length + attacks.steps;
    const report: TenantReport = {
      broker,
      seed,
      attacks: attackCount,
      crashes,
      failedStarts: [d.sink, d.alerter, d.portal].flatMap((s) => s.failedStarts),
      goodSent: good.sent.length,
      goodUnacked: good.unacked,
      goodLost: lost.length,
      goodLostRuns: lostRuns(lost, t0),
      goodDuplicated: goodStored.length - storedSet.size,
      goodMissingInFiles: good.sent.filter((r) => !inFiles.has(key(r))).length,
      foreignRows: goodStored.filter((k) => !goodKeys.has(k)),
      dlq: checks,
      validNotStoredOnce,
      storeRefused: sinkCheck.refused.map((s) => s.attack),
      goodAlert: alerts.good,
      sinkHealth: await d.sinkHealth(),
      hostileOverloadAlert: alerts.overload,
      other: p,
      portal: { ...attacks.portal, goodLogin: attacks.goodLogin, crossTenantReads: attacks.crossTenantReads },
      squats: attacks.squats.map((s) => `${s.clientId}(clean=${s.clean}) ${s.outcome}`),
      neverReadersDropped: attacks.neverReadersDropped,
      story,
    };
    const letterReasonless = [...sinkLetters, ...alerterLetters].filter((l) => !l.reason);
    if (letterReasonless.length > 0)
      report.dlq.alerter.unexpected.push(`${letterReasonless.length} dead letters without a reason`);
    console.log(
      `tenants[${broker}] seed=${seed} attacks=${attackCount} consumers_crashed=${crashes.length} good_lost=${report.goodLost} ` +
        `good_duplicated=${report.goodDuplicated} other_p50_ms=${p.p50} other_p99_ms=${p.p99}`,
    );
    console.log(
      `tenants[${broker}] hostile_messages=${sender.sent.length} hostile_connections=${sender.connections} ` +
        `sink: expected_dlq=${sinkCheck.expected} dlq=${sinkLetters.length} store_refused=${sinkCheck.refused.length} stored_valid=${takes.length - sinkCheck.refused.length} ` +
        `alerter: expected_dlq=${alerterCheck.expected} dlq=${alerterLetters.length} ` +
        `illegal_topics_dead_lettered=${sinkCheck.illegalPassed}+${alerterCheck.illegalPassed} unseen=${sender.sent.filter((s) => s.sink === 'unseen' && s.alerter === 'unseen').length} ` +
        `good_sent=${good.sent.length} good_alert=${alerts.good?.state ?? 'none'} overload_alert=${alerts.overload?.state ?? 'none'} ` +
        `never_readers_dropped=${attacks.neverReadersDropped.join('/')} broker_rss_mib=${attacks.brokerRssMiB.join('→')} portal_wrong_logins=${JSON.stringify(attacks.portal.wrongLogins)} ` +
        `portal_rotating_xff=${JSON.stringify(attacks.portal.rotatingForwardedFor)} good_portal_login=${attacks.goodLogin} other_samples=${p.count}`,
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
