import { it } from 'vitest';
import { expectExactlyOnce, randomCrashes, runScenario } from '../src/scenario.js';

/**
 * A poll takes its seqs before its readings are written to the queue; the queue persists only the seqs of the
 * readings it stores, so a SIGKILL in between leaves no gap: the restarted agent hands those seqs out again.
 */
it('the agent SIGKILLed 3 times mid-stream: its disk queue resends, every reading stored exactly once, no seq gap', async () => {
  const r = await runScenario({ scenario: 'agent-kill', broker: 'mosquitto', settle: { recheck: false } }, (p) =>
    randomCrashes(p, (q) => q.agent, 3),
  );
  // fewer readings than the other scenarios: none are made while the agent is down (each restart takes seconds)
  expectExactlyOnce(r, 800);
});
