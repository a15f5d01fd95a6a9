import { type DeadLetter, exampleReading, validateDeadLetter } from '@wattbus/contract';
import {
  TEST_BROKERS as BROKERS,
  type InfluxdHandle,
  readStoredReadings,
  startApp,
  startInfluxd,
  type TestBroker,
  tempDir,
  waitFor,
} from '@wattbus/testkit';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const reading = (over: Record<string, unknown>) => JSON.stringify({ ...exampleReading(), ...over });
const TOPIC = 'wattbus/v1/house-12/main/reading';

const BAD: Array<{ name: string; topic: string; payload: string | Buffer; reason: RegExp }> = [
  {
    name: 'string in values',
    topic: TOPIC,
    payload: reading({ values: { power_w: '12' } }),
    reason: /^schema: values\.power_w: expected number, got "12"$/,
  },
  { name: 'missing ts', topic: TOPIC, payload: reading({ ts: undefined }), reason: /^schema: ts: missing$/ },
  {
    name: 'bad site id in topic',
    topic: 'wattbus/v1/House_12/main/reading',
    payload: reading({}),
    reason: /^bad topic: bad site id "House_12"/,
  },
  {
    name: '10 MB payload',
    topic: TOPIC,
    payload: Buffer.alloc(10 * 1024 * 1024, 'x'),
    reason: /^payload too large: 10485760 bytes/,
  },
  { name: 'not JSON', topic: TOPIC, payload: '{"v":1,', reason: /^not JSON: / },
  { name: 'binary garbage', topic: TOPIC, payload: Buffer.from([0xff, 0xfe, 0x00, 0x81]), reason: /^not JSON: / },
  {
    name: 'unknown version',
    topic: TOPIC,
    payload: reading({ v: 2 }),
    reason: /^unsupported contract version 2 \(expected 1\)$/,
  },
  {
    name: 'topic/payload mismatch',
    topic: 'wattbus/v1/house-13/main/reading',
    payload: reading({}),
    reason: /^topic\/payload mismatch: topic says house-13\/main, payload says house-12\/main$/,
  },
];

describe.each(Object.keys(BROKERS) as Array<keyof typeof BROKERS>)('sink-worker on %s: bad input', (name) => {
  let influx: InfluxdHandle;
  let broker: TestBroker;
  beforeAll(async () => {
    [influx, broker] = await Promise.all([startInfluxd(), BROKERS[name]()]);
  });
  afterAll(async () => {
    await Promise.all([influx?.stop(), broker?.stop()]);
  });

  it('dead-letters each bad message with its reason, acks it, and keeps storing good ones', async () => {
    const data = await tempDir('wattbus-dlq-');
    const consumer = `dlq-test-${name}`;
    const worker = await startApp('sink-worker', {
      mqtt: { url: broker.url },
      consumer: { id: consumer },
      batch: { max_size: 10, max_delay_ms: 50 },
      sinks: { influx: { url: influx.url, database: 'dlq' } },
      metrics: { port: 0 },
    });
    const client = await mqtt.connectAsync(broker.url, { clientId: `dlq-observer-${name}` });
    const letters: DeadLetter[] = [];
    client.on('message', (_t, p) => letters.push(JSON.parse(p.toString()) as DeadLetter));
    await client.subscribeAsync(`wattbus/v1/dlq/${consumer}`, { qos: 1 });

    for (const bad of BAD) await client.publishAsync(bad.topic, bad.payload, { qos: 1 });
    const good = exampleReading();
    await client.publishAsync(TOPIC, JSON.stringify(good), { qos: 1 });

    await waitFor(() => letters.length >= BAD.length, { what: `${BAD.length} dead letters`, timeoutMs: 20_000 });
    const rows = await waitFor(
      async () => {
        const r = await readStoredReadings(influx, 'dlq').catch(() => []);
        return r.length > 0 ? r : undefined;
      },
      { what: 'the good reading in InfluxDB' },
    );

    expect(letters).toHaveLength(BAD.length);
    for (const [i, bad] of BAD.entries()) {
      const letter = letters[i] as DeadLetter;
      expect(validateDeadLetter(letter).ok, bad.name).toBe(true);
      expect(letter.reason, bad.name).toMatch(bad.reason);
      expect(letter.topic, bad.name).toBe(bad.topic);
      expect(letter.consumer).toBe(consumer);
      const original = Buffer.isBuffer(bad.payload) ? bad.payload : Buffer.from(bad.payload);
      expect(letter.payload_bytes, bad.name).toBe(original.byteLength);
      if (letter.payload_truncated) {
        expect(letter.payload_encoding, bad.name).toBe('utf8'); // text stays text, even cut
        expect(letter.payload).toBe(original.subarray(0, 65536).toString('utf8'));
      } else if (letter.payload_encoding === 'base64') {
        expect(Buffer.from(letter.payload, 'base64').equals(original), bad.name).toBe(true);
      } else {
        expect(letter.payload, bad.name).toBe(original.toString('utf8'));
      }
    }
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ ts: good.ts, seq: good.seq, values: good.values });

    // The counters tell the same story on /metrics; /healthz says the worker is connected.
    const port = /"port":(\d+),"msg":"metrics on/.exec(worker.output())?.[1];
    // The row is visible in InfluxDB a moment before the worker has the write's answer and counts it.
    const metrics = await waitFor(
      async () => {
        const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
        return /^wattbus_sink_in_flight 0$/m.test(text) ? text : undefined;
      },
      { what: 'the write counted and acked' },
    );
    expect(metrics).toMatch(new RegExp(`^wattbus_sink_received_total ${BAD.length + 1}$`, 'm'));
    expect(metrics).toMatch(new RegExp(`^wattbus_sink_dead_lettered_total ${BAD.length}$`, 'm'));
    expect(metrics).toMatch(/^wattbus_sink_written_total\{sink="influx"\} 1$/m);
    expect(metrics).toMatch(/^wattbus_sink_in_flight 0$/m);
    expect(await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()).toEqual({
      ok: true,
      mqtt: 'connected',
      in_flight: 0,
    });

    // Every message was acked: a restarted worker with the same session gets nothing again.
    expect(await worker.stop('SIGTERM')).toBe(0);
    const again = await startApp(
      'sink-worker',
      {
        mqtt: { url: broker.url },
        consumer: { id: consumer },
        sinks: { influx: { url: influx.url, database: 'dlq' } },
      },
      { readyWhen: /"type":"connect"/ },
    );
    await new Promise((r) => setTimeout(r, 1000));
    expect(again.output()).not.toMatch(/dead-lettered/);
    expect(letters).toHaveLength(BAD.length);
    await again.stop();
    await client.endAsync();
    await data.cleanup();
  });
});
