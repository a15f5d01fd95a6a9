import { setTimeout as sleep } from 'node:timers/promises';
import { type Health, topics } from '@wattbus/contract';
import { readStoredReadings, tempDir, waitFor } from '@wattbus/testkit';
import mqtt from 'mqtt';
import { expect, it } from 'vitest';
import { account, formatCounts } from '../src/accounting.js';
import { readAgentState } from '../src/agent-state.js';
import { DATABASE, RECEIPT_MAX_BACKOFF_MS, RECEIPT_TIMEOUT_MS } from '../src/pipeline.js';
import { expectExactlyOnce } from '../src/scenario.js';
import { app, broker, influxd } from '../src/services.js';

const SITE = 'broker-failover';
const CONSUMER = `${SITE}-sink`;

/** The `url` of each connection an app logged, in order, from its log lines that contain `mark`. */
function connectedTo(output: string, mark: string): string[] {
  return output
    .split('\n')
    .filter((line) => line.includes('"type":"connect"') && line.includes(mark))
    .map((line) => (JSON.parse(line) as { url: string }).url);
}
const AGENT = '"msg":"mqtt connect"';
const SINK = '"connection":"readings"';

/**
 * Two independent mosquittos, A and B, that share nothing. Agent and sink worker both have `mqtt.url: [A, B]`; A is
 * SIGKILLed mid-stream, holding readings it acknowledged to the agent but had not delivered, and never comes back.
 * Both clients move to B; the agent's storage receipts make it send the readings A took down again, to B.
 */
it('agent and sink worker with two broker URLs: the first SIGKILLed mid-stream, both move to the second, every reading stored exactly once', {
  timeout: 180_000,
}, async () => {
  const [a, b, influx, state] = await Promise.all([
    broker('mosquitto'),
    broker('mosquitto'),
    influxd(),
    tempDir('wattbus-faults-failover-'),
  ]);
  const mqttOptions = { url: [a.url, b.url], reconnect_min_ms: 200, reconnect_max_ms: 1000, keepalive_s: 5 };
  const agentConfig = (drain: boolean) => ({
    site: { id: SITE },
    mqtt: mqttOptions,
    state_dir: state.path,
    health_interval_s: 1,
    delivery: {
      receipts_from: [CONSUMER],
      receipt_timeout_ms: RECEIPT_TIMEOUT_MS,
      max_backoff_ms: RECEIPT_MAX_BACKOFF_MS,
    },
    meters: Array.from({ length: 4 }, (_, i) => ({
      id: `m${i + 1}`,
      driver: 'simulated',
      interval_ms: 100,
      // drain: the same meters failing every read, so the agent only empties its queue
      config: { seed: i + 1, pv_kwp: 3, ...(drain && { fail: { every_s: 1, for_s: 1 } }) },
    })),
  });
  const sink = await app('sink-worker', 'sink-worker', {
    mqtt: mqttOptions,
    consumer: { id: CONSUMER },
    batch: { max_size: 1000, max_delay_ms: 100 },
    retry: { min_ms: 100, max_ms: 1000 },
    sinks: { influx: { url: influx.url, database: DATABASE } },
    receipts: { interval_ms: 500 },
  });
  const agent = await app('edge-agent', 'edge-agent', agentConfig(false));
  const observer = await mqtt.connectAsync(b.url, { clientId: `${SITE}-observer-${process.pid}`, reconnectPeriod: 0 });
  const healths: Array<{ at: number; health: Health }> = [];
  observer.on('message', (_topic, payload) => healths.push({ at: Date.now(), health: JSON.parse(payload.toString()) }));
  await observer.subscribeAsync(topics.health(SITE), { qos: 0 });
  const stored = async () =>
    (await readStoredReadings(influx, DATABASE).catch(() => [])).filter((r) => r.tags.site === SITE);
  const startedAt = Date.now();
  try {
    await waitFor(async () => (await stored()).length >= 300, {
      what: '300 readings stored through A',
      timeoutMs: 30_000,
    });
    expect(connectedTo(agent.output(), AGENT)).toEqual([a.url]);
    expect(connectedTo(sink.output(), SINK)).toEqual([a.url]);

    // The worker stalls (frozen): A drops it by keepalive and keeps the readings for its session, which A then takes
    // down with it. The worker, thawed, finds its connection gone, as the agent does.
    sink.freeze();
    await sleep(9_000);
    await a.kill9();
    const killedAt = Date.now();
    sink.thaw();
    await waitFor(
      () => connectedTo(agent.output(), AGENT).length >= 2 && connectedTo(sink.output(), SINK).length >= 2,
      {
        what: 'agent and sink worker connected again',
      },
    );
    expect(connectedTo(agent.output(), AGENT)).toEqual([a.url, b.url]);
    expect(connectedTo(sink.output(), SINK)).toEqual([a.url, b.url]);
    await sleep(8_000); // the stream goes on through B, with the re-sends of what A took down with it

    // End of stream: the agent stopped, then run again with failing meters until its queue is empty.
    const resent = healths.at(-1)?.health.delivery?.resent;
    await agent.down();
    const drainStart = Date.now();
    const drain = await app('agent-drain', 'edge-agent', agentConfig(true));
    try {
      await waitFor(() => healths.some((h) => h.at > drainStart && h.health.queue.depth === 0), {
        timeoutMs: 60_000,
        what: `the agent's queue to drain (last health: ${JSON.stringify(healths.at(-1)?.health.queue)})`,
      });
    } finally {
      await drain.dispose();
    }
    const agentState = await readAgentState(state.path, SITE);
    const expected = [...agentState.lastSeq.values()].reduce((x, y) => x + y, 0) - agentState.dropped;
    await waitFor(async () => (await stored()).length >= expected, {
      timeoutMs: 60_000,
      intervalMs: 500,
      what: `${expected} readings stored`,
    }).catch(() => {}); // the counts below say what is missing
    await sleep(1_000); // a late duplicate would show up now
    const counts = { ...account(agentState, await stored()), queued: agentState.queued };
    // resent: readings the agent published again for want of a receipt (what A took down, or B got before the worker)
    console.log(`${formatCounts(SITE, 0, counts)} resent=${resent}`);
    expect(resent).toBeGreaterThan(0);
    expectExactlyOnce(
      { ...counts, story: `A SIGKILLed at +${killedAt - startedAt} ms; the agent resent ${resent}` },
      1_000,
    );
  } finally {
    await observer.endAsync(true).catch(() => {});
    await Promise.allSettled([agent.dispose(), sink.dispose()]);
    await Promise.allSettled([a.dispose(), b.dispose(), influx.dispose(), state.cleanup()]);
  }
});
