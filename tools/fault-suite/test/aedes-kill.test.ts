import { expect, it } from 'vitest';
import { expectLossOnlyAtKills, randomCrashes, runScenario } from '../src/scenario.js';

/**
 * Two known Aedes defects, measured here (see the README):
 * - Aedes 1.2 writes a QoS1 PUBACK *before* it stores or forwards the message (lib/handlers/publish.js), so a
 *   SIGKILL right after a PUBACK loses that message: the agent has already deleted it from its queue.
 * - After a restart from a SIGKILL, some messages stored for the sink worker's persistent session are not
 *   delivered until the worker reconnects; the counts are judged after that reconnect, and the line printed
 *   says how many were held back.
 */
it('the Aedes broker app (LevelDB persistence) SIGKILLed 3 times mid-stream: no duplicates, nothing lost but readings acked just before a SIGKILL', async () => {
  const r = await runScenario(
    { scenario: 'aedes-kill', broker: 'aedes-persistent', settle: { timeoutMs: 30_000 } },
    (p) => randomCrashes(p, (q) => q.broker, 3),
  );
  expectLossOnlyAtKills(r, r.afterSinkReconnect);
  expect(r.generated).toBeGreaterThan(1_500);
});
