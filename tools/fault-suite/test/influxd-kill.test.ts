import { it } from 'vitest';
import { expectExactlyOnce, randomCrashes, runScenario } from '../src/scenario.js';

it('influxd SIGKILLed 3 times mid-stream, with storage receipts: the sink worker holds its acks and receipts and retries, every reading stored exactly once', async () => {
  const r = await runScenario({ scenario: 'influxd-kill', broker: 'mosquitto', receipts: true }, (p) =>
    randomCrashes(p, (q) => q.influx, 3),
  );
  expectExactlyOnce(r);
});
