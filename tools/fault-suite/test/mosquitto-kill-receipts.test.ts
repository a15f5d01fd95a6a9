import { expect, it } from 'vitest';
import { DEPLOYED_MOSQUITTO, expectExactlyOnce, randomCrashes, runScenario } from '../src/scenario.js';

/**
 * The same broker crash as mosquitto-kill, but with the deployed persistence settings (saved every 10 s: a SIGKILL
 * loses up to 10 s of acknowledged readings, and sessions made since the last save) and with storage receipts: the
 * agent keeps every reading until the sink worker says it is stored, and sends again what no receipt covered.
 */
it('mosquitto (deployed persistence) SIGKILLed 5 times mid-stream, with storage receipts: every reading stored exactly once', {
  timeout: 300_000,
}, async () => {
  const r = await runScenario(
    {
      scenario: 'mosquitto-kill-receipts',
      broker: 'mosquitto',
      brokerConfig: DEPLOYED_MOSQUITTO,
      receipts: true,
      settle: { timeoutMs: 45_000 },
    },
    (p) => randomCrashes(p, (q) => q.broker, 5),
  );
  expect(DEPLOYED_MOSQUITTO).toMatch(/^autosave_interval \d+$/m);
  expect(r.kills).toHaveLength(5);
  expectExactlyOnce(r);
});
