import { topics } from '@wattbus/contract';
import type { ProcessHandle } from '@wattbus/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BROKER_NAMES,
  BROKERS,
  Feeder,
  info,
  Observer,
  publishRetained,
  retainedAlert,
  startAlerter,
  subjectsOf,
  type TestBroker,
} from './helpers.js';

const status = (state: 'online' | 'offline', ts = Date.now()) => ({ v: 1, state, ts, agent: '0.1.0' });

describe.concurrent.each(BROKER_NAMES)('alerter on %s: missing data', (name) => {
  let broker: TestBroker;
  let observer: Observer;
  let feeder: Feeder | undefined;
  let alerter: ProcessHandle | undefined;

  beforeAll(async () => {
    broker = await BROKERS[name]();
    observer = await Observer.connect(broker.url, `observer-md-${name}`);
  });
  afterAll(async () => {
    feeder?.stop();
    await alerter?.stop();
    await observer?.close();
    await broker?.stop();
  });

  it('raises and resolves silent channels and offline agents, retained, and raises nothing twice after a restart', async () => {
    const S = 'house-md';
    const T = 'house-off';
    const consumer = `alerter-md-${name}`;
    const alertTopic = (site: string) => topics.alert(site, 'missing-data');
    await publishRetained(observer.client, topics.info(S), info(S, ['grid', 'solar']));
    await publishRetained(observer.client, topics.info(T), info(T, ['grid']));
    await publishRetained(observer.client, topics.status(T), status('online'));
    feeder = new Feeder(observer.client, [
      [S, 'main', 'grid'],
      [S, 'main', 'solar'],
      [T, 'main', 'grid'],
    ]);
    alerter = await startAlerter(broker.url, consumer);

    // A channel that stops reporting is raised...
    feeder.pause(S, 'main', 'solar');
    const raised = await observer.waitForAlert(S, 'raised', (a) => a.state === 'raised');
    expect(raised.topic).toBe(alertTopic(S));
    expect(raised.alert).toMatchObject({ v: 1, site: S, rule: 'missing-data', state: 'raised', severity: 'warning' });
    expect(raised.alert.open).toEqual([
      { subject: 'main/solar', since: expect.any(Number), message: 'no reading for over 3 × 200 ms' },
    ]);
    expect(raised.alert.message).toBe(`missing-data at ${S}: 1 open (raised: main/solar)`);

    // ...and resolved when it reports again.
    feeder.resume(S, 'main', 'solar');
    const resolved = await observer.waitForAlert(S, 'resolved', (a) => a.state === 'resolved');
    expect(resolved.topic).toBe(alertTopic(S));
    expect(resolved.alert.open).toEqual([]);
    expect(resolved.alert.message).toBe(`missing-data at ${S}: 0 open (resolved: main/solar)`);

    // The agent's retained offline status (its LWT) opens subject "site".
    const offlineTs = Date.now();
    await publishRetained(observer.client, topics.status(T), status('offline', offlineTs));
    const offline = await observer.waitForAlert(T, 'raised', (a) => a.state === 'raised');
    expect(offline.topic).toBe(alertTopic(T));
    expect(offline.alert.open).toEqual([{ subject: 'site', since: offlineTs, message: 'agent offline' }]);

    // Silence the channel again, then restart the alerter while both sites have an open alert.
    let mark = observer.alerts.length;
    feeder.pause(S, 'main', 'solar');
    const raisedAgain = await observer.waitForAlert(S, 'raised again', (a) => a.state === 'raised', mark);
    expect(subjectsOf(raisedAgain.alert)).toEqual(['main/solar']);
    const solarSince = raisedAgain.alert.open[0]?.since;

    expect(await alerter.stop()).toBe(0);
    mark = observer.alerts.length;
    alerter = await startAlerter(broker.url, consumer);
    // A later change is published as one message that still carries what was open before the restart:
    // nothing was resolved and raised again in between, for either site.
    feeder.pause(S, 'main', 'grid');
    const grid = await observer.waitForAlert(S, 'grid raised', (a) => subjectsOf(a).includes('main/grid'), mark);
    expect(observer.alerts.slice(mark)).toEqual([grid]);
    expect(subjectsOf(grid.alert)).toEqual(['main/grid', 'main/solar']);
    expect(grid.alert.open.find((o) => o.subject === 'main/solar')?.since).toBe(solarSince);
    expect(grid.alert.message).toBe(`missing-data at ${S}: 2 open (raised: main/grid)`);

    // The agent comes back: "site" resolves, still with its since from before the restart until then.
    await publishRetained(observer.client, topics.status(T), status('online'));
    const online = await observer.waitForAlert(T, 'resolved', (a) => a.state === 'resolved', mark);
    expect(online.alert.open).toEqual([]);
    expect(online.alert.message).toBe(`missing-data at ${T}: 0 open (resolved: site)`);

    // The whole history, in order: one message per transition.
    const history = (site: string) =>
      observer.alertsOf(site).map((a) => [a.topic, a.alert.state, subjectsOf(a.alert).join(',')]);
    expect(history(S)).toEqual([
      [alertTopic(S), 'raised', 'main/solar'],
      [alertTopic(S), 'resolved', ''],
      [alertTopic(S), 'raised', 'main/solar'],
      [alertTopic(S), 'raised', 'main/grid,main/solar'],
    ]);
    expect(history(T)).toEqual([
      [alertTopic(T), 'raised', 'site'],
      [alertTopic(T), 'resolved', ''],
    ]);
    expect(observer.invalid).toEqual([]);
    expect(observer.letters).toEqual([]);

    // What a newcomer gets is the latest state of each (site, rule), as a retained message.
    const keptS = await retainedAlert(broker.url, alertTopic(S), `newcomer-s-${name}`);
    expect(keptS.retain).toBe(true);
    expect(keptS.alert).toEqual(grid.alert);
    const keptT = await retainedAlert(broker.url, alertTopic(T), `newcomer-t-${name}`);
    expect(keptT.retain).toBe(true);
    expect(keptT.alert).toEqual(online.alert);

    feeder.stop();
    expect(await alerter.stop()).toBe(0);
    alerter = undefined;
  });
});
