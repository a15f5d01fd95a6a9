import { type DeadLetter, decodeReading, exampleReading } from '@wattbus/contract';
import { readStoredReadings, waitFor } from '@wattbus/testkit';
import mqtt from 'mqtt';
import { expect, it } from 'vitest';
import { DATABASE, Pipeline } from '../src/pipeline.js';
import { expectExactlyOnce } from '../src/scenario.js';
import type { Rng } from '../src/seed.js';
import { app } from '../src/services.js';

const SITE = 'fuzz-x';
const METER = 'junk';
const R = `wattbus/v1/${SITE}/${METER}/reading`;
const LIMIT = 65_536; // the sink worker's max_payload_bytes and the alerter's (decodeReading's default)
const BROKER_LIMIT = 1_048_576; // mosquitto max_packet_size below

/** What each consumer must do with a message: dead-letter it, take it (store / use), or never see it. */
interface Case {
  name: string;
  topic: string;
  payload: Buffer;
  sink: 'dlq' | 'store' | 'unseen';
  alerter: 'dlq' | 'ok' | 'unseen';
}

let n = 0;
/** A reading of the fuzz site on its own channel and ts, so every accepted one is a distinct stored point. */
const reading = (over: Record<string, unknown> = {}) => {
  n++;
  return {
    ...exampleReading(),
    site: SITE,
    meter: METER,
    channel: `c${n}`,
    seq: n,
    ts: 1_763_800_000_000 + n,
    ...over,
  };
};

/** On a reading topic both consumers decide by the contract's decodeReading. */
function byContract(name: string, payload: Buffer | string, topic = R): Case {
  const buf = Buffer.isBuffer(payload) ? payload : Buffer.from(payload);
  const ok = decodeReading(topic, buf, { maxBytes: LIMIT }).ok;
  return { name, topic, payload: buf, sink: ok ? 'store' : 'dlq', alerter: ok ? 'ok' : 'dlq' };
}

/** A JSON reading padded with spaces to exactly `bytes` (still valid JSON). */
const padded = (bytes: number) => {
  const json = JSON.stringify(reading());
  return Buffer.from(json + ' '.repeat(bytes - Buffer.byteLength(json)));
};

function cases(rng: Rng): Case[] {
  const out: Case[] = [];
  for (let i = 0; i < 15; i++) out.push(byContract(`random bytes #${i}`, rng.bytes(rng.int(0, 3_000))));
  for (let i = 0; i < 15; i++) {
    const bytes = Buffer.from(JSON.stringify(reading()));
    for (let k = rng.int(1, 4); k > 0; k--) bytes[rng.int(0, bytes.length - 1)] = rng.int(0, 255);
    out.push(byContract(`corrupted reading #${i}`, bytes));
  }
  const absurd: Array<[string, Record<string, unknown> | string]> = [
    ['1e300 W', { values: { power_w: 1e300 } }],
    ['-1e300 W', { values: { power_w: -1e300 } }],
    ['5e-324 W', { values: { power_w: 5e-324 } }],
    ['Infinity as 1e400', JSON.stringify(reading()).replace(/"power_w":[^,}]+/, '"power_w":1e400')],
    ['seq 0', { seq: 0 }],
    ['seq -1', { seq: -1 }],
    ['seq MAX_SAFE_INTEGER', { seq: Number.MAX_SAFE_INTEGER }],
    ['seq 1.5', { seq: 1.5 }],
    ['ts at the lower bound (2000-01-01)', { ts: 946_684_800_000 }],
    ['ts 1 ms before 2000', { ts: 946_684_799_999 }],
    ['negative ts', { ts: -1 }],
    ['ts at the upper bound (2100-01-01)', { ts: 4_102_444_800_000 }],
    ['ts after 2100', { ts: 4_102_444_800_001 }],
    ['ts in seconds', { ts: 1_763_800_000 }],
    ['no values', { values: {} }],
    ['unknown quantity', { values: { warp_w: 1 } }],
    ['500 values', { values: Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`power_w_x${i}`, i])) }],
    ['role sun', { role: 'sun' }],
    ['extra property', { extra: true }],
    ['10 kB label', { labels: { tariff: 'x'.repeat(10_000) } }],
    ['null', 'null'],
    ['array', '[1,2,3]'],
  ];
  for (const [name, over] of absurd) {
    out.push(byContract(name, typeof over === 'string' ? over : JSON.stringify(reading(over))));
  }
  out.push({
    name: 'valid reading padded to the limit',
    topic: R,
    payload: padded(LIMIT),
    sink: 'store',
    alerter: 'ok',
  });
  out.push({
    name: 'valid reading 1 byte over the limit',
    topic: R,
    payload: padded(LIMIT + 1),
    sink: 'dlq',
    alerter: 'dlq',
  });
  const valid = JSON.stringify(reading());
  // topics a consumer subscribes to but must reject
  out.push(byContract('reserved site id "dlq"', valid, `wattbus/v1/dlq/${METER}/reading`));
  out.push(byContract('reserved meter id "health"', valid, `wattbus/v1/${SITE}/health/reading`));
  out.push(byContract('upper-case site id', valid, `wattbus/v1/Fuzz-X/${METER}/reading`));
  out.push(byContract('topic/payload mismatch', valid, `wattbus/v1/${SITE}/other/reading`));
  out.push(byContract('v2 payload on a v1 topic', JSON.stringify({ ...reading(), v: 2 })));
  // wrong levels, other versions: outside every consumer's subscription, so nobody sees them
  for (const topic of [
    `wattbus/v1/${SITE}/${METER}/extra/reading`,
    `wattbus/v1/${SITE}/reading`,
    `wattbus/v2/${SITE}/${METER}/reading`,
    `wattbus/v1/${SITE}/${METER}/readings`,
    'wattbus/fuzz',
  ]) {
    out.push({ name: `unsubscribed ${topic}`, topic, payload: Buffer.from(valid), sink: 'unseen', alerter: 'unseen' });
  }
  // the alerter also reads status and info
  out.push({
    name: 'schema-invalid status',
    topic: `wattbus/v1/${SITE}/status`,
    payload: Buffer.from(JSON.stringify({ v: 1, state: 'asleep', ts: 1_763_800_000_000, agent: '0' })),
    sink: 'unseen',
    alerter: 'dlq',
  });
  out.push({
    name: 'non-JSON info',
    topic: `wattbus/v1/${SITE}/info`,
    payload: Buffer.from('{"v":1,'),
    sink: 'unseen',
    alerter: 'dlq',
  });
  // shuffle (seeded), so the order of kinds varies between runs
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [out[i], out[j]] = [out[j] as Case, out[i] as Case];
  }
  return out;
}

const topicsOf = (list: Array<{ topic: string }>) => list.map((c) => c.topic).sort();

it('bad input of every kind while readings stream: consumers keep running, each bad message is dead-lettered once, good ones stored', async () => {
  const p = await Pipeline.start({
    scenario: 'fuzz',
    broker: 'mosquitto',
    brokerConfig: `max_packet_size ${BROKER_LIMIT}`,
  });
  const clients: mqtt.MqttClient[] = [];
  let alerter: Awaited<ReturnType<typeof app>> | undefined;
  try {
    alerter = await app('alerter', 'alerter', {
      mqtt: { url: p.broker.url, reconnect_min_ms: 200 },
      consumer: { id: 'fuzz-alerter' },
      evaluate_every_ms: 500,
    });
    const letters: Array<{ topic: string; letter: DeadLetter }> = [];
    const observer = await mqtt.connectAsync(p.broker.url, { clientId: 'fuzz-dlq-observer' });
    clients.push(observer);
    observer.on('message', (topic, payload) => letters.push({ topic, letter: JSON.parse(payload.toString()) }));
    await observer.subscribeAsync('wattbus/v1/dlq/#', { qos: 1 });
    // a client that takes QoS1 messages and never acknowledges one
    let unacked = 0;
    const silent = await mqtt.connectAsync(p.broker.url, {
      clientId: 'fuzz-never-acks',
      clean: false,
      protocolVersion: 5, // mqtt.js offers customHandleAcks on MQTT 5 only
      customHandleAcks: () => {
        unacked++; // and never calls back: no PUBACK
      },
    });
    clients.push(silent);
    await silent.subscribeAsync('wattbus/#', { qos: 1 });

    const all = cases(p.rng);
    const sentinel = byContract('sentinel (sent last)', '{"not":"a reading"}');
    let brokerRefused = false;
    await p.stream(20_000, [
      {
        at: 3_000,
        run: async () => {
          const fuzzer = await mqtt.connectAsync(p.broker.url, { clientId: 'fuzzer' });
          clients.push(fuzzer);
          for (const c of all) await fuzzer.publishAsync(c.topic, c.payload, { qos: 1 });
          // over the broker's own limit: mosquitto disconnects the sender, nothing is delivered to anyone
          const big = await mqtt.connectAsync(p.broker.url, { clientId: 'fuzz-too-big', reconnectPeriod: 0 });
          clients.push(big);
          const closed = new Promise<void>((resolve) => big.once('close', () => resolve()));
          big.publish(R, Buffer.alloc(2 * BROKER_LIMIT, 'x'), { qos: 0 });
          await closed;
          brokerRefused = true;
          await fuzzer.publishAsync(sentinel.topic, sentinel.payload, { qos: 1 });
          p.note(`${all.length + 2} bad messages sent`);
        },
      },
    ]);
    const expected = {
      sink: [...all, sentinel].filter((c) => c.sink === 'dlq'),
      alerter: [...all, sentinel].filter((c) => c.alerter === 'dlq'),
    };
    const of = (consumer: string) => letters.filter((l) => l.topic === `wattbus/v1/dlq/${consumer}`);
    await waitFor(
      () => of('fuzz-sink').length >= expected.sink.length && of('fuzz-alerter').length >= expected.alerter.length,
      {
        timeoutMs: 30_000,
        what: `${expected.sink.length} + ${expected.alerter.length} dead letters (got ${of('fuzz-sink').length} + ${of('fuzz-alerter').length})`,
      },
    );
    const counts = await p.settle(); // also gives any late or extra dead letter time to show up
    const got = { sink: of('fuzz-sink'), alerter: of('fuzz-alerter') };
    console.log(
      `faults[fuzz] seed=${p.rng.seed} bad_sent=${all.length + 2} sink: expected_dlq=${expected.sink.length} dlq=${got.sink.length} ` +
        `alerter: expected_dlq=${expected.alerter.length} dlq=${got.alerter.length} unseen=${all.filter((c) => c.sink === 'unseen').length} ` +
        `broker_refused=${brokerRefused ? 1 : 0} accepted_absurd=${all.filter((c) => c.sink === 'store').length} never_acked=${unacked}`,
    );

    // every consumer still running and serving
    expect(alerter.output()).toMatch(/"msg":"subscribed"/);
    const health = await (await fetch(`${p.sinkMetricsUrl()}/healthz`)).json();
    expect(health).toMatchObject({ ok: true, mqtt: 'connected' });
    const metrics = await (await fetch(`${p.sinkMetricsUrl()}/metrics`)).text();
    expect(metrics).toMatch(new RegExp(`^wattbus_sink_dead_lettered_total ${expected.sink.length}$`, 'm'));

    // each bad message dead-lettered exactly once, by each consumer that sees it, with a reason
    for (const [consumer, list] of [
      ['fuzz-sink', got.sink],
      ['fuzz-alerter', got.alerter],
    ] as const) {
      const exp = consumer === 'fuzz-sink' ? expected.sink : expected.alerter;
      expect(topicsOf(list.map((l) => l.letter)), consumer).toEqual(topicsOf(exp));
      expect(list.map((l) => l.letter.payload_bytes).sort(), consumer).toEqual(
        exp.map((c) => c.payload.byteLength).sort(),
      );
      for (const { letter } of list) {
        expect(letter.consumer).toBe(consumer);
        expect(letter.reason.length).toBeGreaterThan(0);
      }
    }
    // the absurd-but-valid ones are stored, each once
    const fuzzRows = (await readStoredReadings(p.influx, DATABASE)).filter((r) => r.tags.site === SITE);
    expect(fuzzRows.map((r) => `${r.tags.channel}@${r.ts}`).sort()).toEqual(
      all
        .filter((c) => c.sink === 'store')
        .map((c) => {
          const r = JSON.parse(c.payload.toString()) as { channel: string; ts: number };
          return `${r.channel}@${r.ts}`;
        })
        .sort(),
    );
    expect(brokerRefused).toBe(true);
    expect(unacked).toBeGreaterThan(0);
    // and the agent's stream went through untouched
    expectExactlyOnce({ ...counts, story: p.story() });
  } finally {
    await Promise.allSettled(clients.map((c) => c.endAsync(true)));
    await alerter?.dispose();
    await p.dispose();
  }
});
