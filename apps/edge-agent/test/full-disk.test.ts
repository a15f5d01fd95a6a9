import { join } from 'node:path';
import { type Health, type Reading, topics } from '@wattbus/contract';
import { type ProcessHandle, startApp, TEST_BROKERS, type TestBroker, waitFor } from '@wattbus/testkit';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SmallDisk, smallDisk } from './tmpfs.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A readings-and-health observer with a persistent session, so nothing published while it reconnects is missed. */
async function observer(url: string, site: string) {
  const client: MqttClient = await mqtt.connectAsync(url, {
    clientId: `full-disk-observer-${process.pid}`,
    clean: false,
    reconnectPeriod: 200,
  });
  const readings: Reading[] = [];
  const health: Health[] = [];
  client.on('message', (topic, payload) => {
    const message = JSON.parse(payload.toString('utf8'));
    if (topic === topics.health(site)) health.push(message as Health);
    else readings.push(message as Reading);
  });
  await client.subscribeAsync([`wattbus/v1/${site}/+/reading`, topics.health(site)], { qos: 1 });
  return { client, readings, health };
}

/** seq per channel, sorted, of the readings received (re-sent copies counted once). */
function seqsOf(readings: Reading[]): Map<string, number[]> {
  const byChannel = new Map<string, Set<number>>();
  for (const r of readings) {
    const key = `${r.meter}/${r.channel}`;
    byChannel.set(key, (byChannel.get(key) ?? new Set()).add(r.seq));
  }
  return new Map([...byChannel].map(([k, s]) => [k, [...s].sort((a, b) => a - b)]));
}

/** The agent's state_dir on a small tmpfs, filled for real: LevelDB gets ENOSPC from the kernel. */
describe('edge-agent with a full disk under its queue', () => {
  let broker: TestBroker;
  let disk: SmallDisk;
  let agent: ProcessHandle | undefined;
  beforeAll(async () => {
    [broker, disk] = await Promise.all([TEST_BROKERS.mosquitto(), smallDisk('8m')]);
  });
  afterAll(async () => {
    await agent?.stop('SIGKILL');
    await Promise.all([broker?.stop(), disk?.unmount()]);
  });

  it('keeps running, says so once, drains its queue when the broker returns, recovers, and stops with 0', {
    timeout: 120_000,
  }, async () => {
    const site = 'full-disk';
    const stateDir = join(disk.path, 'state');
    const seen = await observer(broker.url, site);
    const agentConfig = {
      site: { id: site },
      mqtt: { url: broker.url, reconnect_min_ms: 200, reconnect_max_ms: 1000 },
      state_dir: stateDir,
      health_interval_s: 1,
      meters: [{ id: 'main', driver: 'simulated', interval_ms: 200, config: { seed: 5 } }],
    };
    agent = await startApp('edge-agent', agentConfig);
    const lines = (msg: string) =>
      (agent as ProcessHandle)
        .output()
        .split('\n')
        .filter((l) => l.includes(`"msg":"${msg}"`));
    await waitFor(() => seen.readings.length >= 4, { what: 'readings before the outage' });

    // The broker goes away, readings queue up; then the disk fills.
    await broker.down();
    await sleep(1500);
    disk.fill();
    await waitFor(() => lines('queue cannot be written').length > 0, { what: 'the full disk noticed' });
    await sleep(2000); // ten more polls, each losing its readings
    expect(lines('queue cannot be written')).toHaveLength(1);
    expect(lines('queue cannot be written')[0]).toMatch(/no space left on device/i);
    const seenWhileFull = seen.readings.length;

    // The broker returns: everything queued before the disk filled is delivered, the disk still full.
    await broker.up();
    const full = await waitFor(
      () => seen.health.find((h) => h.queue.write_error !== undefined && h.queue.depth === 0),
      { what: 'health saying the queue is drained and cannot be written', timeoutMs: 30_000 },
    );
    expect(full.queue.write_error).toMatch(/no space left on device/i);
    expect(full.queue.dropped).toBeGreaterThan(0); // the readings lost to the full disk
    expect(seen.readings.length).toBeGreaterThan(seenWhileFull);
    const drained = seqsOf(seen.readings);
    expect([...drained.keys()].sort()).toEqual(['main/consumption', 'main/grid']);
    for (const [channel, seqs] of drained) expect(seqs, channel).toEqual(seqs.map((_, i) => i + 1));

    // Space comes back: the queue is written again, once said; new readings go out, above the lost ones.
    disk.free();
    await waitFor(() => lines('queue can be written again').length > 0, { what: 'the queue writable again' });
    const lastDrained = Math.max(...(drained.get('main/grid') as number[]));
    await waitFor(() => seen.readings.some((r) => r.channel === 'grid' && r.seq > lastDrained + 1), {
      what: 'readings queued after the recovery',
    });
    await waitFor(() => seen.health.at(-1)?.queue.write_error === undefined, { what: 'health without write_error' });
    expect(lines('queue cannot be written')).toHaveLength(1);
    expect(lines('queue can be written again')).toHaveLength(1);

    // Full again while readings are acknowledged (their deletes fail too); SIGTERM still ends with 0.
    disk.fill();
    await waitFor(() => lines('queue cannot be written').length > 1, { what: 'the disk full again' });
    await sleep(1000);
    expect(await agent.stop('SIGTERM')).toBe(0);
    expect(agent.output()).not.toMatch(/LEVEL_IO_ERROR|error while stopping|Unhandled/);

    // Started again with space: acknowledged readings whose delete failed may come again, identical; seq goes on.
    disk.free();
    const before = new Map(seen.readings.map((r) => [`${r.channel}/${r.seq}`, JSON.stringify(r)]));
    const lastBefore = Math.max(...seen.readings.filter((r) => r.channel === 'grid').map((r) => r.seq));
    const count = seen.readings.length;
    agent = await startApp('edge-agent', agentConfig);
    await waitFor(() => seen.readings.some((r) => r.channel === 'grid' && r.seq > lastBefore + 2), {
      what: 'readings after the restart',
    });
    expect(await agent.stop('SIGTERM')).toBe(0);
    for (const r of seen.readings.slice(count)) {
      const earlier = before.get(`${r.channel}/${r.seq}`);
      if (earlier !== undefined) expect(JSON.stringify(r)).toBe(earlier);
    }
    await seen.client.endAsync();
  });
});
