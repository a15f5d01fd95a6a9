import { type Health, type Reading, validateReading } from '@wattbus/contract';
import { freePort, startApp, startMosquitto, tempDir, waitFor } from '@wattbus/testkit';
import mqtt from 'mqtt';
import { expect, it } from 'vitest';

it('SIGKILL in the middle of draining a backlog loses nothing: the queue reopens and finishes the job', async () => {
  const tmp = await tempDir('wattbus-burst-');
  const port = await freePort();
  const site = 'burst';
  const config = {
    site: { id: site },
    mqtt: { url: `mqtt://127.0.0.1:${port}`, reconnect_min_ms: 200, reconnect_max_ms: 1000 },
    state_dir: tmp.path,
    health_interval_s: 1,
    queue: { publish_window: 5 }, // a slow drain, so the kill lands in the middle of it
    meters: [{ id: 'main', driver: 'simulated', interval_ms: 100, config: { seed: 9, pv_kwp: 1 } }],
  };
  // A backlog of a few hundred readings made while the broker was away.
  const offline = await startApp('edge-agent', config);
  await waitFor(() => (offline.output().match(/mqtt reconnect-scheduled/g) ?? []).length >= 6, { what: 'a backlog' });
  expect(await offline.stop()).toBe(0);

  const broker = await startMosquitto({ port });
  const observer = await mqtt.connectAsync(broker.url, { clientId: 'burst-observer' });
  const readings: Reading[] = [];
  const healths: Health[] = [];
  observer.on('message', (topic, payload) => {
    const data = JSON.parse(payload.toString());
    if (topic.endsWith('/reading')) readings.push(data as Reading);
    else if (topic.endsWith('/health')) healths.push(data as Health);
  });
  await observer.subscribeAsync(`wattbus/v1/${site}/+/reading`, { qos: 1 });
  await observer.subscribeAsync(`wattbus/v1/${site}/health`, { qos: 0 });

  const first = await startApp('edge-agent', config);
  await waitFor(() => readings.length >= 30, { what: 'the drain to start' });
  await first.kill9();
  const seenBeforeKill = readings.length;

  const second = await startApp('edge-agent', config);
  await waitFor(() => healths.some((h) => h.queue.depth === 0), {
    what: 'the queue drained after the restart',
    timeoutMs: 30_000,
  });
  expect(await second.stop()).toBe(0);
  await observer.endAsync();
  await broker.stop();

  expect(seenBeforeKill).toBeLessThan(readings.length);
  const copies = new Map<string, string>();
  for (const r of readings) {
    expect(validateReading(r).ok).toBe(true);
    const key = `${r.channel}/${r.seq}`;
    const body = JSON.stringify(r);
    expect(copies.get(key) ?? body, key).toBe(body); // a resent copy is the same reading
    copies.set(key, body);
  }
  for (const channel of ['consumption', 'production', 'grid']) {
    const seqs = [...copies.keys()].filter((k) => k.startsWith(`${channel}/`)).map((k) => Number(k.split('/')[1]));
    seqs.sort((a, b) => a - b);
    expect(seqs.length, channel).toBeGreaterThan(20);
    expect(seqs, channel).toEqual(seqs.map((_, i) => i + 1)); // every reading ever made, from seq 1, none missing
  }
  await tmp.cleanup();
});
