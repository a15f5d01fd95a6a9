import { type MosquittoHandle, startApp, startMosquitto, type TempDir, tempDir, waitFor } from '@wattbus/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { observe } from './brokers.js';

describe('edge-agent stopping while its broker does not answer', () => {
  let broker: MosquittoHandle;
  let tmp: TempDir;
  beforeAll(async () => {
    [broker, tmp] = await Promise.all([startMosquitto(), tempDir('wattbus-agent-frozen-')]);
  });
  afterAll(async () => {
    broker?.process().proc.kill('SIGCONT');
    await Promise.all([broker?.stop(), tmp?.cleanup()]);
  });

  it('exits 0 on SIGTERM although neither its offline status nor its readings are acknowledged', async () => {
    const site = 'frozen-broker';
    const live = await observe(broker.url, `wattbus/v1/${site}/+/reading`);
    const agent = await startApp('edge-agent', {
      site: { id: site },
      mqtt: { url: broker.url, keepalive_s: 60 },
      state_dir: tmp.path,
      meters: [{ id: 'main', driver: 'simulated', interval_ms: 100, config: { seed: 7 } }],
    });
    await waitFor(() => live.messages.length >= 3, { what: 'readings through the broker' });
    await live.client.endAsync();
    broker.process().proc.kill('SIGSTOP'); // connections stay open, nothing is answered
    await new Promise((r) => setTimeout(r, 500)); // readings go out unacknowledged meanwhile
    // testkit's stop() SIGKILLs after 10 s (exit code null): a stop that waited on the broker would show that
    expect(await agent.stop('SIGTERM')).toBe(0);
  });
});
