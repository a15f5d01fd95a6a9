import {
  type Reading,
  type Status,
  topics,
  validateHealth,
  validateInfo,
  validateReading,
  validateStatus,
} from '@wattbus/contract';
import { startApp, type TempDir, tempDir, waitFor } from '@wattbus/testkit';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_VERSION } from '../src/version.js';
import { BROKERS, observe, type Received, type TestBroker } from './brokers.js';

const agentConfig = (site: string, url: string, stateDir: string, extra: object = {}) => ({
  site: { id: site, name: `Site ${site}`, location: { lat: 50.85, lon: 4.35 }, tags: { city: 'Brussels' } },
  mqtt: { url, keepalive_s: 5, reconnect_min_ms: 100, reconnect_max_ms: 1000 },
  state_dir: stateDir,
  health_interval_s: 1,
  meters: [
    { id: 'main', driver: 'simulated', interval_ms: 100, config: { seed: 11, pv_kwp: 4 } },
    { id: 'heat-pump', driver: 'simulated', interval_ms: 200, config: { seed: 12 } },
  ],
  ...extra,
});

/** The retained message a client subscribing now gets on `topic`. */
async function retained(url: string, topic: string): Promise<Received> {
  const { messages, client } = await observe(url, topic);
  try {
    return await waitFor(() => messages.find((m) => m.retain), {
      what: `retained message on ${topic}`,
      timeoutMs: 5000,
    });
  } finally {
    await client.endAsync();
  }
}

/** Waits until a fresh subscriber gets a retained status in `state` on `site`, and returns it. */
async function retainedStatus(url: string, site: string, state: 'online' | 'offline') {
  return waitFor(
    async () => {
      const m = await retained(url, topics.status(site));
      return (m.payload as { state: string }).state === state ? m : undefined;
    },
    { what: `retained status ${state} of ${site}`, timeoutMs: 10_000 },
  );
}

describe.each(Object.keys(BROKERS) as Array<keyof typeof BROKERS>)('edge-agent with %s', (name) => {
  let broker: TestBroker;
  let tmp: TempDir;

  beforeAll(async () => {
    [broker, tmp] = await Promise.all([BROKERS[name](), tempDir(`wattbus-agent-${name}-`)]);
  });
  afterAll(async () => {
    await Promise.all([broker?.stop(), tmp?.cleanup()]);
  });

  it('publishes retained online status and info, valid health, and a retained offline on SIGTERM', async () => {
    const site = `${name}-term`;
    const live = await observe(broker.url, `wattbus/v1/${site}/#`);
    const agent = await startApp('edge-agent', agentConfig(site, broker.url, `${tmp.path}/${site}`));

    const online = await retainedStatus(broker.url, site, 'online');
    expect(validateStatus(online.payload).ok).toBe(true);
    expect(online.payload).toMatchObject({ v: 1, state: 'online', agent: AGENT_VERSION });

    const info = await retained(broker.url, topics.info(site));
    const checked = validateInfo(info.payload);
    expect(checked.ok ? [] : checked.errors).toEqual([]);
    expect(info.payload).toMatchObject({
      v: 1,
      site,
      name: `Site ${site}`,
      location: { lat: 50.85, lon: 4.35 },
      tags: { city: 'Brussels' },
      meters: [
        {
          id: 'main',
          driver: 'simulated',
          interval_ms: 100,
          channels: [
            { id: 'consumption', role: 'consumption' },
            { id: 'production', role: 'production' },
            { id: 'grid', role: 'grid' },
          ],
        },
        {
          id: 'heat-pump',
          driver: 'simulated',
          interval_ms: 200,
          channels: [
            { id: 'consumption', role: 'consumption' },
            { id: 'grid', role: 'grid' },
          ],
        },
      ],
    });

    const health = await waitFor(() => live.messages.find((m) => m.topic === topics.health(site)), {
      what: 'a health message',
    });
    expect(health.retain).toBe(false);
    const h = validateHealth(health.payload);
    expect(h.ok ? [] : h.errors).toEqual([]);
    expect((health.payload as { meters: Array<{ id: string }> }).meters.map((m) => m.id)).toEqual([
      'main',
      'heat-pump',
    ]);

    await waitFor(() => live.messages.filter((m) => m.topic.endsWith('/reading')).length >= 10, {
      what: '10 readings',
    });
    for (const m of live.messages.filter((x) => x.topic.endsWith('/reading'))) {
      expect(validateReading(m.payload).ok).toBe(true);
      const r = m.payload as Reading;
      expect(m.topic).toBe(topics.reading(site, r.meter));
      expect(m.retain).toBe(false);
    }

    const stoppedAt = Date.now();
    expect(await agent.stop('SIGTERM')).toBe(0);
    // A Will fired by the agent's going away would reach the live subscriber before this marker, published after.
    const marker = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
    await marker.publishAsync(`wattbus/v1/${site}/marker`, '{}', { qos: 1 });
    await marker.endAsync();
    await waitFor(() => live.messages.some((m) => m.topic.endsWith('/marker')), { what: 'the marker' });

    // one offline after the online, stamped with the stop time, and it is the retained status
    const statuses = live.messages.filter((m) => m.topic === topics.status(site)).map((m) => m.payload as Status);
    expect(statuses.map((m) => m.state)).toEqual(['online', 'offline']);
    expect(statuses[1]?.ts).toBeGreaterThanOrEqual(stoppedAt);
    const offline = await retained(broker.url, topics.status(site));
    expect(offline.payload).toEqual(statuses[1]);
    expect(validateStatus(offline.payload).ok).toBe(true);
    await live.client.endAsync();
  });

  it('has the broker publish the retained offline LWT when the agent is SIGKILLed', async () => {
    const site = `${name}-kill`;
    const agent = await startApp('edge-agent', agentConfig(site, broker.url, `${tmp.path}/${site}`));
    await retainedStatus(broker.url, site, 'online');

    const live = await observe(broker.url, topics.status(site));
    await waitFor(() => live.messages.length >= 1, { what: 'retained online on subscribe' });
    await agent.kill9();

    const will = await waitFor(() => live.messages.find((m) => (m.payload as { state: string }).state === 'offline'), {
      what: 'the LWT',
      timeoutMs: 15_000,
    });
    expect(validateStatus(will.payload).ok).toBe(true);
    expect(will.payload).toMatchObject({ v: 1, state: 'offline', agent: AGENT_VERSION });
    await live.client.endAsync();

    const after = await retained(broker.url, topics.status(site));
    expect(after.payload).toMatchObject({ v: 1, state: 'offline', agent: AGENT_VERSION });
  });

  it('continues seq above every seq published before a SIGKILL, across a restart with the same state_dir', async () => {
    const site = `${name}-seq`;
    const stateDir = `${tmp.path}/${site}`;
    const live = await observe(broker.url, `wattbus/v1/${site}/+/reading`);
    const readings = () => live.messages.map((m) => m.payload as Reading);

    const first = await startApp('edge-agent', agentConfig(site, broker.url, stateDir));
    await waitFor(() => readings().filter((r) => r.meter === 'main' && r.channel === 'grid').length >= 12, {
      what: '12 main/grid readings',
    });
    await first.kill9();
    const before = readings().length;

    const second = await startApp('edge-agent', agentConfig(site, broker.url, stateDir));
    await waitFor(() => readings().length >= before + 20, { what: '20 readings after the restart' });
    expect(await second.stop('SIGTERM')).toBe(0);
    await live.client.endAsync();

    const all = readings();
    for (const r of all) expect(validateReading(r).ok).toBe(true);
    // At-least-once: a reading published before the kill whose PUBACK the agent had not yet recorded is
    // sent again from the disk queue after the restart. Such a copy is the same reading (same seq, ts,
    // values); a seq is never reused for a different reading.
    const copies = new Map<string, string>();
    for (const r of all) {
      const key = `${r.meter}/${r.channel}/${r.seq}`;
      const body = JSON.stringify(r);
      expect(copies.get(key) ?? body, key).toBe(body);
      copies.set(key, body);
    }
    const distinct = [...copies.values()].map((b) => JSON.parse(b) as Reading);
    const channels = ['heat-pump/consumption', 'heat-pump/grid', 'main/consumption', 'main/grid', 'main/production'];
    for (const channel of channels) {
      const list = distinct.filter((r) => `${r.meter}/${r.channel}` === channel).sort((a, b) => a.seq - b.seq);
      // nothing lost across the crash: seq runs 1..n without a gap, and ts rises with seq
      expect(
        list.map((r) => r.seq),
        channel,
      ).toEqual(list.map((_, i) => i + 1));
      for (let i = 1; i < list.length; i++)
        expect((list[i] as Reading).ts).toBeGreaterThan((list[i - 1] as Reading).ts);
      // and the second run went on past the first: its newest seq is above everything seen before the kill
      const firstRunMax = Math.max(
        ...all
          .slice(0, before)
          .filter((r) => `${r.meter}/${r.channel}` === channel)
          .map((r) => r.seq),
      );
      expect(list.at(-1)?.seq, channel).toBeGreaterThan(firstRunMax);
    }
  });
});
