import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Alert, exampleReading, type Info, type Reading, topics } from '@wattbus/contract';
import { type ProcessHandle, waitFor } from '@wattbus/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BROKER_NAMES,
  BROKERS,
  Observer,
  publishRetained,
  startAlerter,
  subjectsOf,
  type TestBroker,
} from './helpers.js';

const S = 'house-rules';
const BRUSSELS = { lat: 50.85, lon: 4.35 };
/** A January night in Brussels, in UTC: every reading carries its own measurement time. */
const NIGHT = Date.UTC(2026, 0, 15, 1, 0);
const MIN = 60_000;

const info: Info = {
  v: 1,
  site: S,
  ts: NIGHT,
  location: BRUSSELS,
  meters: [
    {
      id: 'main',
      driver: 'simulated',
      interval_ms: 3_600_000, // the missing-data rule stays out of this test
      channels: [
        { id: 'grid', role: 'grid' },
        { id: 'house', role: 'consumption' },
        { id: 'solar', role: 'production' },
      ],
    },
  ],
};

/** A local webhook receiver: the first POST is answered 500, every later one 200. */
async function hookServer(): Promise<{ server: Server; url: string; bodies: Alert[]; statuses: number[] }> {
  const bodies: Alert[] = [];
  const statuses: number[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Alert);
      res.statusCode = statuses.length === 0 ? 500 : 200;
      statuses.push(res.statusCode);
      res.end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/alerts`, bodies, statuses };
}

describe.concurrent.each(BROKER_NAMES)('alerter on %s: sign, PV at night, overload', (name) => {
  let broker: TestBroker;
  let observer: Observer;
  let alerter: ProcessHandle | undefined;
  let hook: Awaited<ReturnType<typeof hookServer>>;
  let seq = 0;

  beforeAll(async () => {
    broker = await BROKERS[name]();
    observer = await Observer.connect(broker.url, `observer-rules-${name}`);
    hook = await hookServer();
  });
  afterAll(async () => {
    await alerter?.stop();
    await observer?.close();
    await broker?.stop();
    hook?.server.close();
  });

  const publish = async (channel: string, role: Reading['role'], ts: number, power_w: number, site = S) => {
    const r: Reading = { ...exampleReading(), site, meter: 'main', channel, role, seq: ++seq, ts, values: { power_w } };
    await observer.client.publishAsync(topics.reading(site, 'main'), JSON.stringify(r), { qos: 1 });
  };
  /** One reading a minute from `t0` for `minutes` + 1 minutes. */
  const series = async (channel: string, role: Reading['role'], t0: number, minutes: number, power_w: number) => {
    for (let i = 0; i <= minutes; i++) await publish(channel, role, t0 + i * MIN, power_w);
  };
  const start = (consumer: string) =>
    startAlerter(broker.url, consumer, {
      rules: { sign: { raise_after_s: 120, clear_after_s: 120 }, pv_night: { raise_after_s: 600 } },
      overrides: [{ site: S, channel: 'grid', overload: { limit_w: 9000 } }],
      notify: { webhook: { url: hook.url, retry: { attempts: 5, backoff_ms: 50, max_backoff_ms: 200 } } },
    });
  const ruleAlerts = (rule: string, from = 0) => observer.alertsOf(S, from).filter((a) => a.alert.rule === rule);

  it('raises each rule once from explicit-timestamp streams, survives bad input and a restart, and posts webhooks', async () => {
    const consumer = `alerter-rules-${name}`;
    await publishRetained(observer.client, topics.info(S), info);
    alerter = await start(consumer);

    // Bad input first: a schema-invalid reading goes to the DLQ, a reading of an unknown site is just watched.
    await observer.client.publishAsync(
      topics.reading(S, 'main'),
      JSON.stringify({ ...exampleReading(), site: S, values: { power_w: 'lots' } }),
      { qos: 1 },
    );
    await publish('house', 'consumption', NIGHT, -5000, 'house-unknown');

    await series('house', 'consumption', NIGHT, 3, -300); // negative consumption for 3 min
    await series('solar', 'production', NIGHT, 11, -800); // 800 W of PV at 01:00 UTC in January
    await series('grid', 'grid', NIGHT, 2, 9500); // above the 9000 W limit for 2 min

    const sign = await observer.waitForAlert(S, 'sign raised', (a) => a.rule === 'sign');
    expect(sign.topic).toBe(topics.alert(S, 'sign'));
    expect(sign.alert).toMatchObject({ state: 'raised', severity: 'warning' });
    expect(sign.alert.open).toEqual([
      {
        subject: 'main/house',
        since: NIGHT,
        message: 'negative consumption: -300 W (check the sign factor)',
        value: -300,
      },
    ]);
    const pv = await observer.waitForAlert(S, 'pv-night raised', (a) => a.rule === 'pv-night');
    expect(pv.topic).toBe(topics.alert(S, 'pv-night'));
    expect(subjectsOf(pv.alert)).toEqual(['main/solar']);
    expect(pv.alert.open[0]?.message).toMatch(/^production -800 W with the sun at -\d+\.\d°$/);
    const overload = await observer.waitForAlert(S, 'overload raised', (a) => a.rule === 'overload');
    expect(overload.alert).toMatchObject({ state: 'raised', severity: 'critical' });
    expect(overload.alert.open).toEqual([
      { subject: 'main/grid', since: NIGHT, message: '9500 W above the limit of 9000 W', value: 9500 },
    ]);

    await waitFor(() => observer.letters.length >= 1, { what: 'the dead letter', timeoutMs: 8000 });
    expect(observer.letters.map((l) => l.letter.reason)).toEqual([
      'schema: values.power_w: expected number, got "lots"',
    ]);
    expect(observer.alertsOf('house-unknown').map((a) => a.alert.rule)).not.toContain('sign');

    // The webhook got every change; its first POST was answered 500 and sent again.
    await waitFor(
      () => ['sign', 'pv-night', 'overload'].every((r) => hook.bodies.some((b) => b.rule === r && b.site === S)),
      {
        what: 'webhook posts of the three rules',
        timeoutMs: 8000,
      },
    );
    expect(hook.statuses[0]).toBe(500);
    const first = JSON.stringify(hook.bodies[0]);
    await waitFor(() => hook.bodies.slice(1).some((b) => JSON.stringify(b) === first), {
      what: 'the first webhook POST sent again after its 500',
      timeoutMs: 8000,
    });

    // Restart: the retained alerts are taken back, nothing is raised again while the conditions hold...
    expect(await alerter.stop()).toBe(0);
    const mark = observer.alerts.length;
    alerter = await start(consumer);
    await series('grid', 'grid', NIGHT + 3 * MIN, 2, 9700);
    // ...and a clear that lasts clear_after_s (300 s) resolves the overload, as one message.
    await series('grid', 'grid', NIGHT + 6 * MIN, 5, 1000);
    const resolved = await observer.waitForAlert(
      S,
      'overload resolved',
      (a) => a.rule === 'overload' && a.state === 'resolved',
      mark,
    );
    expect(resolved.alert.open).toEqual([]);
    expect(resolved.alert.message).toBe(`overload at ${S}: 0 open (resolved: main/grid)`);
    expect(ruleAlerts('overload', mark)).toEqual([resolved]);
    expect(ruleAlerts('sign').map((a) => a.alert.state)).toEqual(['raised']);
    expect(ruleAlerts('pv-night').map((a) => a.alert.state)).toEqual(['raised']);
    expect(observer.invalid).toEqual([]);
    expect(alerter.proc.exitCode).toBeNull();

    expect(await alerter.stop()).toBe(0);
    alerter = undefined;
  });
});
