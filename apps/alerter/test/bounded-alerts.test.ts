import { ALERT_MAX_OPEN_SUBJECTS, exampleReading, topics } from '@wattbus/contract';
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

const BIG = 'house-big';
const OTHER = 'house-other';
const METERS = 30;
const CHANNELS = 100;

describe.concurrent.each(BROKER_NAMES)('alerter on %s: a site with thousands of channels', (name) => {
  let broker: TestBroker;
  let observer: Observer;
  let feeder: Feeder | undefined;
  let alerter: ProcessHandle | undefined;

  beforeAll(async () => {
    broker = await BROKERS[name]();
    observer = await Observer.connect(broker.url, `observer-big-${name}`);
  });
  afterAll(async () => {
    feeder?.stop();
    await alerter?.stop();
    await observer?.close();
    await broker?.stop();
  });

  it('gets one small, valid missing-data alert listing 100 subjects with open_total, and other sites still theirs', async () => {
    await publishRetained(observer.client, topics.info(OTHER), info(OTHER, ['grid']));
    feeder = new Feeder(observer.client, [[OTHER, 'main', 'grid']]);
    // Channels not in any info are watched with the default interval: 200 ms here.
    alerter = await startAlerter(broker.url, `alerter-big-${name}`, {
      rules: { missing_data: { after_intervals: 3, offline_grace_ms: 0, default_interval_ms: 200 } },
    });

    // 3,000 channels say something once, then fall silent.
    let seq = 0;
    for (let m = 0; m < METERS; m++) {
      const meter = `m${m}`;
      await Promise.all(
        Array.from({ length: CHANNELS }, (_, c) => {
          const r = { ...exampleReading(), site: BIG, meter, channel: `c${c}`, seq: ++seq, ts: Date.now() };
          return observer.client.publishAsync(topics.reading(BIG, meter), JSON.stringify(r), { qos: 1 });
        }),
      );
    }
    const big = await observer.waitForAlert(BIG, '3,000 missing', (a) => a.open_total === METERS * CHANNELS);
    expect(big.topic).toBe(topics.alert(BIG, 'missing-data'));
    expect(big.alert.state).toBe('raised');
    expect(big.alert.open).toHaveLength(ALERT_MAX_OPEN_SUBJECTS);
    expect(new Set(big.alert.open.map((o) => o.subject)).size).toBe(ALERT_MAX_OPEN_SUBJECTS);
    // The 3,000 may fall silent across two evaluations on a slow machine: the last alert then names only the ones it
    // raised, at most ten of them, and counts the rest.
    expect(big.alert.message).toMatch(
      /^missing-data at house-big: 3000 open \(raised: (m\d+\/c\d+, ){0,9}m\d+\/c\d+( and \d+ more)?\)$/,
    );
    expect(JSON.stringify(big.alert).length).toBeLessThan(16 * 1024);

    // The other site's alert still goes out.
    feeder.pause(OTHER, 'main', 'grid');
    const other = await observer.waitForAlert(OTHER, 'raised', (a) => a.state === 'raised');
    expect(other.alert.open.map((o) => o.subject)).toEqual(['main/grid']);
    expect(observer.invalid).toEqual([]);
    expect(alerter.proc.exitCode).toBeNull();

    feeder.stop();
    expect(await alerter.stop()).toBe(0);
    alerter = undefined;
  });
});
