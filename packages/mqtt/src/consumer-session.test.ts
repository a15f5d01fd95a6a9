import { type MosquittoHandle, startMosquitto, waitFor } from '@wattbus/testkit';
import mqtt, { type MqttClient } from 'mqtt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ConsumerSession, openConsumerSession } from './consumer-session.js';
import type { HeldMessage } from './manual-acks.js';

// mosquitto: it reports a resumed session that subscribes to nothing as present, which Aedes does not.
describe('openConsumerSession against mosquitto', () => {
  let broker: MosquittoHandle;
  const clients: MqttClient[] = [];
  const lines: Array<{ msg: string; fields: Record<string, unknown> }> = [];
  const log = {
    info: (fields: object, msg: string) => lines.push({ msg, fields: fields as Record<string, unknown> }),
    warn: () => {},
    error: (fields: object, msg: string) => lines.push({ msg, fields: fields as Record<string, unknown> }),
  };

  beforeEach(async () => {
    broker = await startMosquitto();
    lines.length = 0;
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
    await broker.stop();
  });

  function open(received: HeldMessage[], ack: boolean): ConsumerSession {
    const session = openConsumerSession(
      {
        url: broker.url,
        reject_unauthorized: true,
        protocol_version: 4,
        keepalive_s: 30,
        reconnect_min_ms: 100,
        reconnect_max_ms: 1000,
      },
      {
        clientId: 'consumer',
        filters: ['a/#', 'b/#'],
        maxInFlight: 10,
        log,
        label: 'test',
        onMessage: (m) => {
          received.push(m);
          if (ack) m.ack();
        },
      },
    );
    clients.push(session.client);
    return session;
  }

  async function publish(topic: string, payload: string) {
    const publisher = await mqtt.connectAsync(broker.url, { clientId: `publisher-${clients.length}` });
    clients.push(publisher);
    await publisher.publishAsync(topic, payload, { qos: 1 });
  }

  it('subscribes to every filter with QoS 1, and holds a message until it is acked', async () => {
    const held: HeldMessage[] = [];
    const session = open(held, false);
    await session.connected;
    await waitFor(() => lines.some((l) => l.msg === 'subscribed'), { what: 'subscribed' });
    expect(lines.find((l) => l.msg === 'subscribed')?.fields).toEqual({ filter: ['a/#', 'b/#'], resumed: false });
    await publish('a/1', 'one');
    await publish('b/2', 'two');
    await waitFor(() => held.length === 2, { what: 'two messages' });
    expect(held.map((m) => [m.topic, m.payload.toString(), m.qos])).toEqual([
      ['a/1', 'one', 1],
      ['b/2', 'two', 1],
    ]);
    // Not acked: a new connection of the same session gets both again.
    await session.client.endAsync(true);
    const again: HeldMessage[] = [];
    await open(again, true).connected;
    await waitFor(() => again.length === 2, { what: 'both redelivered' });
    expect(again.map((m) => m.payload.toString())).toEqual(['one', 'two']);
  });

  it('subscribes again at every connect: a resumed session that lost its subscriptions gets them back', async () => {
    const received: HeldMessage[] = [];
    const session = open(received, true);
    await session.connected;
    // Someone takes over the session under our client id and drops its subscriptions: ours comes back to a
    // resumed session (sessionPresent) that subscribes to nothing.
    const intruder = await mqtt.connectAsync(broker.url, { clientId: 'consumer', clean: false, reconnectPeriod: 0 });
    await intruder.unsubscribeAsync(['a/#', 'b/#']);
    await intruder.endAsync();
    await waitFor(() => lines.filter((l) => l.msg === 'subscribed').length === 2, { what: 'subscribed again' });
    expect(lines.filter((l) => l.msg === 'subscribed').map((l) => l.fields.resumed)).toEqual([false, true]);
    await new Promise((r) => setTimeout(r, 1000));
    await publish('b/3', 'three');
    await waitFor(() => received.length === 1, { what: 'a message after the wipe' });
    expect(received[0]?.payload.toString()).toBe('three');
  });
});
