import { type AedesHandle, startAedes, type TempDir, tempDir, waitFor } from '@wattbus/testkit';
import mqtt, { type MqttClient } from 'mqtt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DiskQueue } from './disk-queue.js';
import { QueuePublisher } from './publisher.js';
import { ReceiptTracker } from './receipt-tracker.js';

const LIMITS = { maxMessages: 100_000, maxAgeMs: 3_600_000 };
const msgs = (n: number, prefix: string) =>
  Array.from({ length: n }, (_, i) => ({ topic: 'q/t', payload: `${prefix}${i}` }));

describe('QueuePublisher against Aedes', () => {
  let broker: AedesHandle;
  let dir: TempDir;
  let received: string[];
  const clients: MqttClient[] = [];

  beforeEach(async () => {
    [broker, dir] = await Promise.all([startAedes(), tempDir('wattbus-pub-')]);
    received = [];
    broker.aedes.on('publish', (packet, client) => {
      if (client) received.push(packet.payload.toString());
    });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
    await Promise.all([broker.stop(), dir.cleanup()]);
  });

  const connect = () => {
    const c = mqtt.connect(broker.url, { clientId: `agent-${clients.length}` });
    clients.push(c);
    return c;
  };

  it('drains a backlog from disk once, in queue order, and empties the queue', async () => {
    const queue = await DiskQueue.open(dir.path, LIMITS);
    await queue.enqueue(msgs(500, 'b'));
    const publisher = new QueuePublisher(queue, connect(), { window: 50, fetchSize: 64 });
    await waitFor(() => publisher.acked === 500, { what: '500 acks' });
    expect(received).toEqual(msgs(500, 'b').map((m) => m.payload));
    await waitFor(async () => (await queue.read(undefined, 1)).length === 0, { what: 'an empty queue on disk' });
    expect(queue.depth).toBe(0);
    await queue.close();
  });

  it('sends live readings ahead of a backlog', async () => {
    const queue = await DiskQueue.open(dir.path, LIMITS);
    await queue.enqueue(msgs(3000, 'b'));
    const client = connect();
    const publisher = new QueuePublisher(queue, client, { window: 20, fetchSize: 100 });
    await waitFor(() => received.length >= 100, { what: 'the backlog to start draining' });
    const live = await queue.enqueue(msgs(5, 'live'));
    const receivedBefore = received.length;
    publisher.offer(live);
    await waitFor(() => publisher.acked === 3005, { what: '3005 acks' });
    const firstLive = received.indexOf('live0');
    // Next in line: only what was already in flight (the window) goes before it, not the rest of the backlog.
    expect(receivedBefore).toBeLessThan(2000);
    expect(firstLive).toBeGreaterThanOrEqual(receivedBefore);
    // Counted at the broker, which may lag the client's acks by up to one more window.
    expect(firstLive).toBeLessThanOrEqual(receivedBefore + 2 * 20);
    expect(received.filter((p) => p.startsWith('live'))).toEqual(['live0', 'live1', 'live2', 'live3', 'live4']);
    const backlog = received.filter((p) => p.startsWith('b'));
    expect(backlog).toEqual(msgs(3000, 'b').map((m) => m.payload)); // every one, once, in order
    await queue.close();
  });

  it('never sends what the queue limit dropped while the broker was away: dropped means not delivered', async () => {
    const queue = await DiskQueue.open(dir.path, { ...LIMITS, maxMessages: 10 });
    const client = mqtt.connect('mqtt://127.0.0.1:1', { reconnectPeriod: 0, manualConnect: true });
    clients.push(client);
    const publisher = new QueuePublisher(queue, client, { window: 5 });
    for (let i = 0; i < 5; i++) publisher.offer(await queue.enqueue(msgs(5, `o${i}-`)));
    expect(queue.dropped).toBe(15);
    client.options.port = broker.port;
    client.connect();
    await waitFor(() => publisher.acked === 10, { what: '10 acks' });
    await new Promise((resolve) => setTimeout(resolve, 200)); // nothing more may come
    expect(received).toEqual([...msgs(5, 'o3-'), ...msgs(5, 'o4-')].map((m) => m.payload));
    expect(publisher.acked).toBe(10);
    await queue.close();
  });

  it('queues while disconnected and delivers everything once connected', async () => {
    const queue = await DiskQueue.open(dir.path, LIMITS);
    const client = mqtt.connect('mqtt://127.0.0.1:1', { reconnectPeriod: 0, manualConnect: true });
    clients.push(client);
    const publisher = new QueuePublisher(queue, client, { window: 10 });
    publisher.offer(await queue.enqueue(msgs(30, 'x')));
    expect(received).toEqual([]);
    expect(queue.depth).toBe(30);
    client.options.port = broker.port;
    client.connect();
    await waitFor(() => publisher.acked === 30, { what: '30 acks' });
    expect(received).toEqual(msgs(30, 'x').map((m) => m.payload));
    await queue.close();
  });

  it('does not send again a reading whose receipt came while its re-send was queued: the queue counts it once', async () => {
    const queue = await DiskQueue.open(dir.path, LIMITS);
    const reading = { meter: 'main', channel: 'grid', seq: 1 };
    await queue.enqueue([{ topic: 'q/t', payload: JSON.stringify(reading) }]);
    const tracker = new ReceiptTracker({ consumers: ['sink'], timeoutMs: 10, maxBackoffMs: 10 }, (key) =>
      queue.ack(key),
    );
    const client = connect();
    const publisher = new QueuePublisher(queue, client, { window: 10, receipts: { tracker, maxAwaiting: 100 } });
    await waitFor(() => publisher.acked === 1, { what: 'the PUBACK' });
    expect(queue.depth).toBe(1); // kept until its receipt
    await new Promise((r) => setTimeout(r, 20));
    const overdue = tracker.overdue();
    expect(overdue).toHaveLength(1);
    const messages = await queue.get(overdue);
    // the receipt comes while the re-send waits for its turn
    tracker.receipt({ v: 1, site: 'house-1', consumer: 'sink', ts: Date.now(), ranges: { main: { grid: [[1, 1]] } } });
    expect(queue.depth).toBe(0);
    publisher.resend(messages);
    await new Promise((r) => setTimeout(r, 100));
    expect(received).toHaveLength(1);
    expect(publisher.pending).toBe(0);
    expect(queue.depth).toBe(0);
    await queue.close();
  });
});
