import { exampleReading, type Info, topics } from '@wattbus/contract';
import type { ProcessHandle } from '@wattbus/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BROKER_NAMES,
  BROKERS,
  Feeder,
  info,
  Observer,
  publishRetained,
  startAlerter,
  type TestBroker,
} from './helpers.js';

const S = 'house-backlog';
const LIVE = 'house-live';
const MIN = 60_000;

/** An hourly meter: missing-data stays out of the overload part of this test. */
const hourly: Info = {
  ...info(S, ['grid']),
  meters: info(S, ['grid']).meters.map((m) => ({ ...m, interval_ms: 3_600_000 })),
};

describe.concurrent.each(BROKER_NAMES)('alerter on %s: readings sent while it is down', (name) => {
  let broker: TestBroker;
  let observer: Observer;
  let feeder: Feeder | undefined;
  let alerter: ProcessHandle | undefined;

  beforeAll(async () => {
    broker = await BROKERS[name]();
    observer = await Observer.connect(broker.url, `observer-backlog-${name}`);
  });
  afterAll(async () => {
    feeder?.stop();
    await alerter?.stop();
    await observer?.close();
    await broker?.stop();
  });

  it('are judged when it is back (persistent session), by measurement time, and raise nothing false', async () => {
    const consumer = `alerter-backlog-${name}`;
    const start = () =>
      startAlerter(broker.url, consumer, { overrides: [{ site: S, channel: 'grid', overload: { limit_w: 9000 } }] });
    await publishRetained(observer.client, topics.info(S), hourly);
    await publishRetained(observer.client, topics.info(LIVE), info(LIVE, ['grid']));
    feeder = new Feeder(observer.client, [[LIVE, 'main', 'grid']]); // every 50 ms, all along

    alerter = await start();
    expect(await alerter.stop()).toBe(0);

    // While the alerter is down: 9500 W for 3 minutes (raise_after_s is 60), measured just before.
    const t0 = Date.now() - 4 * MIN;
    for (let i = 0; i <= 3; i++) {
      const r = { ...exampleReading(), site: S, seq: i + 1, ts: t0 + i * MIN, values: { power_w: 9500 } };
      await observer.client.publishAsync(topics.reading(S, 'main'), JSON.stringify(r), { qos: 1 });
    }

    alerter = await start();
    const raised = await observer.waitForAlert(S, 'overload raised', (a) => a.rule === 'overload');
    expect(raised.alert.open).toEqual([
      { subject: 'main/grid', since: t0, message: '9500 W above the limit of 9000 W', value: 9500 },
    ]);

    // The live site's readings queued meanwhile were taken before anything was evaluated: it was never missing.
    feeder.stop();
    expect(observer.alertsOf(S).map((a) => [a.alert.rule, a.alert.state])).toEqual([['overload', 'raised']]);
    expect(observer.alertsOf(LIVE)).toEqual([]);
    expect(observer.letters).toEqual([]);
    expect(await alerter.stop()).toBe(0);
    alerter = undefined;
  });
});
