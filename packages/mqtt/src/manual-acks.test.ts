import { type AedesHandle, startAedes, waitFor } from '@wattbus/testkit';
import mqtt, { type MqttClient } from 'mqtt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type HeldMessage, receiveWithManualAcks } from './manual-acks.js';

// The broker's view is the truth here: Aedes emits 'ack' when a subscriber's PUBACK arrives.
describe('receiveWithManualAcks against Aedes', () => {
  let broker: AedesHandle;
  let pubacks: number[];
  const clients: MqttClient[] = [];

  beforeEach(async () => {
    broker = await startAedes();
    pubacks = [];
    broker.aedes.on('ack', (packet, client) => {
      if (client?.id === 'consumer' && packet && 'payload' in packet) pubacks.push(Number(packet.payload.toString()));
    });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
    await broker.stop();
  });

  async function consumer(onMessage: (m: HeldMessage) => void, maxInFlight: number) {
    const client = mqtt.connect(broker.url, { clientId: 'consumer', clean: false });
    clients.push(client);
    receiveWithManualAcks(client, onMessage, { maxInFlight });
    await new Promise((resolve) => client.once('connect', resolve));
    await client.subscribeAsync('t/#', { qos: 1 });
    return client;
  }

  async function publish(count: number) {
    const publisher = await mqtt.connectAsync(broker.url, { clientId: 'publisher' });
    clients.push(publisher);
    for (let i = 0; i < count; i++) publisher.publish('t/x', String(i), { qos: 1 });
  }

  it('fills a batch while earlier messages wait, and PUBACKs each one only after its batch is written', async () => {
    const BATCH = 100;
    const writes: Array<{ received: number; pubacksBefore: number; first: number }> = [];
    let batch: HeldMessage[] = [];
    let received = 0;
    await consumer((m) => {
      received++;
      batch.push(m);
      if (batch.length < BATCH) return;
      const full = batch;
      batch = [];
      writes.push({ received, pubacksBefore: pubacks.length, first: Number(full[0]?.payload.toString()) });
      setTimeout(() => {
        for (const held of full) held.ack();
      }, 20); // the "store write"
    }, 10_000);
    await publish(1000);
    await waitFor(() => pubacks.length === 1000, { what: '1000 PUBACKs at the broker' });

    expect(writes).toHaveLength(10); // ten writes of 100, not a thousand writes of one
    // The first write started with 100 messages received and not one acked: delivery did not wait for acks.
    expect(writes[0]).toEqual({ received: 100, pubacksBefore: 0, first: 0 });
    for (const [k, w] of writes.entries()) {
      expect(w.first).toBe(k * BATCH);
      expect(w.pubacksBefore).toBeLessThanOrEqual(k * BATCH); // no message acked before its own write
    }
    expect(pubacks).toEqual(Array.from({ length: 1000 }, (_, i) => i)); // every one, once, in order
  });

  it('sends PUBACKs in arrival order even when later messages are acked first', async () => {
    const held: HeldMessage[] = [];
    await consumer((m) => held.push(m), 100);
    await publish(3);
    await waitFor(() => held.length === 3, { what: '3 messages' });
    held[2]?.ack();
    held[1]?.ack();
    await new Promise((r) => setTimeout(r, 100));
    expect(pubacks).toEqual([]); // message 0 still unacked holds back 1 and 2
    held[0]?.ack();
    await waitFor(() => pubacks.length === 3, { what: '3 PUBACKs' });
    expect(pubacks).toEqual([0, 1, 2]);
  });

  it('stops reading at maxInFlight and resumes as acks free room', async () => {
    const held: HeldMessage[] = [];
    await consumer((m) => held.push(m), 50);
    await publish(200);
    await waitFor(() => held.length === 50, { what: '50 messages' });
    await new Promise((r) => setTimeout(r, 200));
    expect(held).toHaveLength(50); // the window is full: nothing more is taken in
    for (const m of held.splice(0)) m.ack();
    await waitFor(() => held.length === 50, { what: 'the next 50' });
    expect(held.map((m) => Number(m.payload.toString()))).toEqual(Array.from({ length: 50 }, (_, i) => 50 + i));
  });

  it('drops acks from an earlier connection; the broker redelivers those messages', async () => {
    const held: HeldMessage[] = [];
    const client = await consumer((m) => held.push(m), 100);
    await publish(5);
    await waitFor(() => held.length === 5, { what: '5 messages' });
    const stale = held.splice(0);
    client.stream.destroy(); // connection lost before the write finished
    await waitFor(() => held.length === 5, { what: 'redelivery of the 5 messages', timeoutMs: 10_000 });
    for (const m of stale) m.ack(); // late acks for the old connection's message ids: must not be sent
    await new Promise((r) => setTimeout(r, 100));
    expect(pubacks).toEqual([]);
    for (const m of held) m.ack();
    await waitFor(() => pubacks.length === 5, { what: '5 PUBACKs' });
    expect(pubacks).toEqual([0, 1, 2, 3, 4]);
  });
  it('keeps the connection while a full window waits longer than the keepalive (a slow store is not a lost broker)', async () => {
    const pings: number[] = [];
    broker.aedes.on('ping', (_packet, client) => {
      if (client?.id === 'consumer') pings.push(Date.now());
    });
    const client = mqtt.connect(broker.url, { clientId: 'consumer', clean: false, keepalive: 1, reconnectPeriod: 100 });
    clients.push(client);
    const errors: string[] = [];
    let connects = 0;
    client.on('error', (err) => errors.push(err.message));
    client.on('connect', () => connects++);
    let release = false;
    const held: HeldMessage[] = [];
    const received: number[] = [];
    receiveWithManualAcks(
      client,
      (m) => {
        received.push(Number(m.payload.toString()));
        if (release) m.ack();
        else held.push(m);
      },
      { maxInFlight: 5 },
    );
    await new Promise((resolve) => client.once('connect', resolve));
    await client.subscribeAsync('t/#', { qos: 1 });
    await publish(50);
    await waitFor(() => held.length === 5, { what: 'a full window of 5' });
    // The "store" takes four keepalives: mqtt.js would have given up on its PINGRESP after one and a half.
    await waitFor(() => pings.length >= 3, { what: 'PINGREQs while the window is full', timeoutMs: 10_000 });
    release = true;
    for (const m of held) m.ack();
    await waitFor(() => pubacks.length === 50, { what: '50 PUBACKs at the broker' });

    expect(errors).toEqual([]);
    expect(connects).toBe(1);
    expect(received).toEqual(Array.from({ length: 50 }, (_, i) => i)); // each once: nothing redelivered
    expect(pubacks).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
});
