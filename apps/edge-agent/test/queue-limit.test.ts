import { type Health, type Reading, validateHealth } from '@wattbus/contract';
import { freePort, startApp, startMosquitto, tempDir, waitFor } from '@wattbus/testkit';
import mqtt from 'mqtt';
import { expect, it } from 'vitest';

it('with the broker unreachable, keeps queueing, drops the oldest past the limit, counts them in health, keeps the newest', async () => {
  const tmp = await tempDir('wattbus-qlimit-');
  const port = await freePort();
  const site = 'qlimit';
  const config = {
    site: { id: site },
    mqtt: { url: `mqtt://127.0.0.1:${port}`, reconnect_min_ms: 200, reconnect_max_ms: 1000 },
    state_dir: tmp.path,
    health_interval_s: 1,
    queue: { max_readings: 100 },
    meters: [{ id: 'main', driver: 'simulated', interval_ms: 100, config: { seed: 5, pv_kwp: 2 } }],
  };
  const offline = await startApp('edge-agent', config);
  await waitFor(() => (offline.output().match(/queue full: oldest readings dropped/g) ?? []).length >= 20, {
    what: '20 polls past the queue limit',
  });
  await waitFor(() => (offline.output().match(/mqtt reconnect-scheduled/g) ?? []).length >= 3, { what: 'retries' });
  expect(offline.output()).toMatch(/"message":"broker unreachable \(connection refused\): [^"]*ECONNREFUSED/);
  expect(await offline.stop()).toBe(0);

  const broker = await startMosquitto({ port });
  const observer = await mqtt.connectAsync(broker.url, { clientId: 'qlimit-observer' });
  const readings: Reading[] = [];
  const healths: Health[] = [];
  observer.on('message', (topic, payload) => {
    const data = JSON.parse(payload.toString());
    if (topic.endsWith('/health')) healths.push(data as Health);
    else if (topic.endsWith('/reading')) readings.push(data as Reading);
  });
  await observer.subscribeAsync(`wattbus/v1/${site}/#`, { qos: 1 });

  // Polled less often once online, so that a health report can find the queue empty on a loaded machine; the
  // seqs go on from the state either way.
  const online = await startApp('edge-agent', {
    ...config,
    meters: [{ ...config.meters[0], interval_ms: 1000 }],
  });
  // Drained: health reports an empty queue (the backlog is through, not just its first part).
  await waitFor(() => healths.some((h) => h.queue.depth === 0) && readings.length >= 100, {
    what: 'the backlog drained',
    timeoutMs: 60_000, // the whole suite on 2 cores: a health report with depth 0 can take a while
  });
  expect(await online.stop()).toBe(0);
  await observer.endAsync();
  await broker.stop();

  const health = healths[0] as Health;
  expect(validateHealth(health)).toEqual({ ok: true, value: health });
  const byChannel = new Map<string, number[]>();
  for (const r of readings) byChannel.set(r.channel, [...(byChannel.get(r.channel) ?? []), r.seq]);
  expect([...byChannel.keys()].sort()).toEqual(['consumption', 'grid', 'production']);
  let missing = 0;
  for (const [channel, seqs] of byChannel) {
    const sorted = [...new Set(seqs)].sort((a, b) => a - b);
    const first = sorted[0] as number;
    // the oldest were dropped; everything from the first kept one on is there, newest included
    expect(first, channel).toBeGreaterThan(1);
    expect(sorted, channel).toEqual(sorted.map((_, i) => first + i));
    missing += first - 1;
  }
  // the dropped count in health is exactly the number of readings that never arrived
  expect(health.queue.dropped).toBeGreaterThanOrEqual(50);
  expect(health.queue.dropped).toBe(missing);
  await tmp.cleanup();
}, 180_000); // three agent starts and a drain: past the 60 s default when the whole suite shares 2 cores
