import type { VoltageForecastMessage } from '@wattbus/contract';
import { type ProcessHandle, TEST_BROKERS, type TestBroker, waitFor } from '@wattbus/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Observer, publishRetained, startAlerter } from './helpers.js';

const HOUR = 3_600_000;

/** A forecast issued now whose hours `expected` (1 = the next hour) are expected over the band. */
function forecast(site: string, expected: number[]): VoltageForecastMessage {
  const issued = Math.floor(Date.now() / HOUR) * HOUR;
  return {
    v: 1,
    site,
    issued,
    band: { low_v: 207, high_v: 253 },
    status: 'ok',
    threshold: 0.4,
    hours: [1, 2, 3, 4, 5, 6].map((k) => ({
      start: issued + k * HOUR,
      p_over: expected.includes(k) ? 0.9 : 0.1,
      p_under: 0,
      p_excursion: expected.includes(k) ? 0.9 : 0.1,
      expected: expected.includes(k),
    })),
  };
}

describe('alerter: the voltage_forecast rule on a real broker', () => {
  let broker: TestBroker;
  let observer: Observer;
  let alerter: ProcessHandle | undefined;
  beforeAll(async () => {
    broker = await TEST_BROKERS.aedes();
    observer = await Observer.connect(broker.url, 'observer-voltage-forecast');
  });
  afterAll(async () => {
    await alerter?.stop();
    await observer?.close();
    await broker?.stop();
  });

  it('warns ahead of an expected excursion from the retained forecast, resolves when it is no longer expected, and dead-letters a bad forecast', async () => {
    const topic = (site: string) => `wattbus/v1/${site}/forecast/voltage`;
    await publishRetained(observer.client, topic('house-fc'), forecast('house-fc', [1, 2]));
    await publishRetained(observer.client, topic('house-bad'), { v: 1, site: 'house-bad', hours: 'soon' });
    await publishRetained(observer.client, topic('house-other'), forecast('house-fc', [1]));
    alerter = await startAlerter(broker.url, 'alerter-voltage-forecast', {
      rules: { voltage_forecast: { within_h: 3 } },
    });

    const raised = await observer.waitForAlert(
      'house-fc',
      'voltage-forecast raised',
      (a) => a.rule === 'voltage-forecast' && a.state === 'raised',
    );
    expect(raised.alert.severity).toBe('warning');
    expect(raised.alert.open[0]?.message).toMatch(
      /^voltage expected above 253 V from \d\d:00 UTC \(2 h, probability up to 90 %\)$/,
    );
    await waitFor(() => observer.letters.length >= 2, { what: 'two dead letters', timeoutMs: 8000 });
    const reasons = observer.letters.map((l) => l.letter.reason).sort();
    expect(reasons[0]).toMatch(/^not a voltage forecast: .*hours/);
    expect(reasons[1]).toBe("site house-fc on house-other's topic");
    expect(observer.alertsOf('house-other')).toEqual([]);

    const seen = observer.alerts.length;
    await publishRetained(observer.client, topic('house-fc'), {
      ...forecast('house-fc', []),
      issued: Math.floor(Date.now() / HOUR) * HOUR + 1,
    });
    await observer.waitForAlert(
      'house-fc',
      'voltage-forecast resolved',
      (a) => a.rule === 'voltage-forecast' && a.state === 'resolved',
      seen,
    );
  });
});
