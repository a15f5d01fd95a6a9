import { it } from 'vitest';
import { expectExactlyOnce, randomCrashes, runScenario } from '../src/scenario.js';

it('the sink worker SIGKILLed 3 times mid-stream, with storage receipts: the broker redelivers, every reading stored exactly once', async () => {
  const r = await runScenario({ scenario: 'sink-kill', broker: 'mosquitto', receipts: true }, (p) =>
    randomCrashes(p, (q) => q.sink, 3),
  );
  expectExactlyOnce(r);
});
