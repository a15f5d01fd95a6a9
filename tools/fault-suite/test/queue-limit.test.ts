import { setTimeout as sleep } from 'node:timers/promises';
import { expect, it } from 'vitest';
import { runScenario } from '../src/scenario.js';

const MAX_QUEUED = 1_000;

it('the agent queue fills during a long broker outage: every reading stored or dropped (and counted), no duplicates, the newest kept', async () => {
  const r = await runScenario(
    {
      scenario: 'queue-limit',
      broker: 'mosquitto',
      maxQueued: MAX_QUEUED,
      durationMs: 28_000,
      settle: { recheck: false },
    },
    (p) => [
      {
        at: p.rng.int(3_000, 5_000),
        run: async () => {
          // ≈ 16 s × 120 readings/s made while it is down: far past the limit of 1,000
          const ms = p.rng.int(15_500, 17_000);
          const until = Date.now() + ms;
          p.note(`${p.broker.name} stopped for ${ms} ms`);
          await p.broker.down();
          // The agent keeps running: what its queue limit drops must not go out from memory either.
          await sleep(Math.max(0, until - Date.now()));
          await p.broker.up();
          p.note(`${p.broker.name} back`);
        },
      },
    ],
  );
  const why = `what happened:\n${r.story}\nmissing seqs: ${JSON.stringify(r.missingByChannel)}`;
  // A reading dropped by the limit must not be delivered too. (Readings in flight when the broker went down are
  // never dropped: the client resends them.) Kept as a count, so a regression shows its size.
  const droppedAfterDelivery = r.stored + r.dropped - r.generated;
  console.log(`faults[queue-limit] seed=${r.seed} dropped=${r.dropped} dropped_after_delivery=${droppedAfterDelivery}`);
  expect(r.dropped, why).toBeGreaterThan(300);
  expect({ duplicated: r.duplicated, unexpected: r.unexpected, queued: r.queued }, why).toEqual({
    duplicated: 0,
    unexpected: 0,
    queued: 0,
  });
  // every generated reading is stored or dropped: the missing ones are dropped ones
  expect(r.missing, why).toBe(r.dropped - droppedAfterDelivery);
  expect(droppedAfterDelivery, why).toBe(0);
  // per channel the dropped readings are one run of the oldest queued ones, never the newest
  for (const [channel, runs] of Object.entries(r.missingByChannel)) {
    expect(runs, `${channel}: ${why}`).toHaveLength(1);
    const end = Number(runs[0]?.split('-').at(-1));
    expect(end, `${channel}: the newest reading was kept. ${why}`).toBeLessThan(r.lastSeq[channel] as number);
  }
});
