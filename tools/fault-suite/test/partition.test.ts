import { setTimeout as sleep } from 'node:timers/promises';
import { it } from 'vitest';
import { expectExactlyOnce, runScenario } from '../src/scenario.js';

it('the broker frozen (SIGSTOP) and later stopped for a while: agent → broker and broker → sink both recover, every reading stored exactly once', async () => {
  const r = await runScenario({ scenario: 'partition', broker: 'mosquitto' }, (p) => [
    {
      // frozen: sockets stay open but nothing answers, so peers only notice by their keepalive (5 s)
      at: p.rng.int(2_000, 5_000),
      run: async () => {
        const ms = p.rng.int(6_000, 9_000);
        p.note(`SIGSTOP ${p.broker.name} for ${ms} ms`);
        p.broker.freeze();
        await sleep(ms);
        p.broker.thaw();
        p.note('SIGCONT');
      },
    },
    {
      at: p.rng.int(15_000, 18_000),
      run: async () => {
        const ms = p.rng.int(2_000, 4_000);
        p.note(`${p.broker.name} stopped (SIGTERM) for ${ms} ms`);
        await p.broker.down();
        await sleep(ms);
        await p.broker.up();
        p.note(`${p.broker.name} back`);
      },
    },
  ]);
  expectExactlyOnce(r);
});
