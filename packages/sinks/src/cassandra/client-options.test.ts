import { expect, it } from 'vitest';
import { testConfig as config } from '../../test/cassandra-config.js';
import { clientOptions } from './client-options.js';

it('tries to reach a node that went down at least every reconnect_max_ms, however long it was down', () => {
  // the driver's default policy doubles from 1 s up to 10 minutes: after an outage of a minute, writes
  // kept failing for about as long again after the node was back
  const schedule = clientOptions(config).policies?.reconnection?.newSchedule() as Iterator<number>;
  const delays = Array.from({ length: 40 }, () => schedule.next().value);
  expect(delays[0]).toBe(0);
  expect(Math.max(...delays)).toBeLessThanOrEqual(2_000);
  expect(delays.slice(-10).every((d) => d >= 1_700)).toBe(true); // ±15% jitter, never above the maximum
  const slower = clientOptions({
    ...config,
    reconnect_max_ms: 500,
  }).policies?.reconnection?.newSchedule() as Iterator<number>;
  expect(Math.max(...Array.from({ length: 40 }, () => slower.next().value))).toBeLessThanOrEqual(500);
});
