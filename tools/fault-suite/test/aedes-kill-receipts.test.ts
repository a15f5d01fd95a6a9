import { expect, it } from 'vitest';
import { expectExactlyOnce, randomCrashes, runScenario } from '../src/scenario.js';

/**
 * The same broker crash as aedes-kill (Aedes acknowledges a QoS1 message before LevelDB has it), with storage
 * receipts: the agent keeps every reading until the sink worker says it is stored, and sends again what no receipt
 * covered, so neither the PUBACK-before-save window nor a cut replay loses anything.
 */
it('the Aedes broker app (LevelDB persistence) SIGKILLed 5 times mid-stream, with storage receipts: every reading stored exactly once', {
  timeout: 300_000,
}, async () => {
  const r = await runScenario(
    { scenario: 'aedes-kill-receipts', broker: 'aedes-persistent', receipts: true, settle: { timeoutMs: 45_000 } },
    (p) => randomCrashes(p, (q) => q.broker, 5),
  );
  expect(r.kills).toHaveLength(5);
  expectExactlyOnce(r);
});
