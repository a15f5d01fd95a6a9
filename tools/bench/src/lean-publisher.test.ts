import { startMosquitto } from '@wattbus/testkit';
import mqtt from 'mqtt';
import { expect, it } from 'vitest';
import { LeanPublisher } from './lean-publisher.js';

/** Now and then a payload past 127 and past 16,383 bytes: longer remaining-length fields. */
const bodyOf = (i: number) => (i % 10_000 === 0 ? 'x'.repeat(20_000) : i % 1000 === 0 ? 'y'.repeat(300) : '');

it('publishes QoS1 messages that arrive whole and in order, acks each once, past the message id wrap', async () => {
  const broker = await startMosquitto();
  const sub = await mqtt.connectAsync(broker.url, { clientId: 'lean-sub', clean: false });
  const received: string[] = [];
  sub.on('message', (topic, payload) => received.push(`${topic} ${payload.toString()}`));
  await sub.subscribeAsync('lean/#', { qos: 1 });

  const pub = await LeanPublisher.connect(broker.url, 'lean-pub');
  const total = 70_000; // message ids are 1…65,535: they wrap
  const acked: number[] = [];
  let inFlight = 0;
  for (let i = 0; i < total; i++) {
    pub.publish(`lean/${i % 7}`, `${i}${bodyOf(i)}`, { qos: 1 }, (err) => {
      if (err) throw err;
      acked.push(i);
      inFlight--;
    });
    inFlight++;
    while (inFlight >= 2000) await new Promise((r) => setImmediate(r));
  }
  await pub.end();
  expect(acked).toHaveLength(total);
  expect(new Set(acked).size).toBe(total);
  await expect.poll(() => received.length, { timeout: 30_000 }).toBe(total);
  const wrong = received.findIndex((line, i) => line !== `lean/${i % 7} ${i}${bodyOf(i)}`);
  expect(wrong).toBe(-1);
  await sub.endAsync();
  await broker.stop();
});

it('fails to connect with the reason when nothing listens', async () => {
  await expect(LeanPublisher.connect('mqtt://127.0.0.1:1', 'lean-nobody')).rejects.toThrow(/ECONNREFUSED/);
});
