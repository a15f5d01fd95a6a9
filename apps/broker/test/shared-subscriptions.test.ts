import { type Fixture, makeFixture, TARGETS, type Target, type TargetName } from '@wattbus/broker-targets';
import { waitFor } from '@wattbus/testkit';
import type { MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Clients, inbox } from './helpers/clients.js';
import { rawSession, subscribePacket } from './helpers/raw-client.js';

// Part of the shared security and delivery suite: `$share/{group}/{filter}` from MQTT 3.1.1 clients, on our broker
// and on mosquitto, both secured by the deploy files. Where they differ on purpose, the difference is a field of
// the target (sharedLeaver).

const READINGS = 'wattbus/v1/+/+/reading';

let fixture: Fixture;
beforeAll(async () => {
  fixture = await makeFixture();
});
afterAll(async () => {
  await fixture?.cleanup();
});

/** A member that never acknowledges; what it received (unacknowledged) is in `held`. */
function holdAcks(client: MqttClient): { held: string[] } {
  const held: string[] = [];
  client.options.customHandleAcks = (topic, payload) => {
    held.push(`${topic} ${payload.toString()}`);
  };
  return { held };
}

const count = (list: string[]) => {
  const seen = new Map<string, number>();
  for (const m of list) seen.set(m, (seen.get(m) ?? 0) + 1);
  return seen;
};

describe.each(Object.keys(TARGETS) as TargetName[])('shared subscriptions: %s', (name) => {
  let broker: Target;
  let clients: Clients;
  beforeAll(async () => {
    broker = await TARGETS[name](fixture);
    clients = new Clients(fixture);
  });
  afterEach(async () => {
    await clients.closeAll();
  });
  afterAll(async () => {
    await broker?.stop();
  });

  async function member(id: string, group = 'sinks', extra = {}): Promise<MqttClient> {
    const client = await clients.connect(broker.tcp, 'sink-worker', { clean: false, clientId: id, ...extra });
    expect(await client.subscribeAsync(`$share/${group}/${READINGS}`, { qos: 1 })).toEqual([
      { topic: `$share/${group}/${READINGS}`, qos: 1 },
    ]);
    return client;
  }

  async function publishReadings(site: 'house-12' | 'house-13', prefix: string, n: number): Promise<string[]> {
    const agent = await clients.connect(broker.tcp, site);
    const sent = Array.from({ length: n }, (_, i) => `wattbus/v1/${site}/main/reading ${prefix}${i}`);
    await Promise.all(
      sent.map((m) => agent.publishAsync(`wattbus/v1/${site}/main/reading`, m.split(' ')[1] ?? '', { qos: 1 })),
    );
    return sent;
  }

  it('hands each message to exactly one of three members, and each member gets a share', async () => {
    const members = await Promise.all(['sink-worker-a', 'sink-worker-b', 'sink-worker-c'].map((id) => member(id)));
    // Another group and a plain subscriber each get the whole stream as well.
    const other = await member('sink-worker-other', 'archive');
    const plain = await clients.connect(broker.tcp, 'sink-worker');
    await plain.subscribeAsync(READINGS, { qos: 1 });
    const sent = await publishReadings('house-12', 'r', 300);
    const boxes = members.map((m) => inbox(m));
    const all = () => boxes.flatMap((b) => b.messages);
    await waitFor(() => all().length >= sent.length, { timeoutMs: 10_000, what: 'every reading in the group' });
    await waitFor(() => inbox(other).messages.length >= sent.length && inbox(plain).messages.length >= sent.length, {
      timeoutMs: 10_000,
      what: 'every reading for the other group and the plain subscriber',
    });
    expect(new Set(all())).toEqual(new Set(sent));
    expect([...count(all()).values()].every((n) => n === 1)).toBe(true);
    for (const box of boxes) expect(box.messages.length).toBeGreaterThan(sent.length / 10);
    expect(inbox(other).messages.sort()).toEqual([...sent].sort());
    expect(inbox(plain).messages.sort()).toEqual([...sent].sort());
  });

  it('loses nothing when a member leaves holding unacknowledged messages', async () => {
    // A group of its own: mosquitto also queues a share for members whose persistent sessions are offline.
    const leaver = await member('sink-worker-leaver', 'leave');
    const { held } = holdAcks(leaver);
    const stayer = await member('sink-worker-stayer', 'leave');
    // Fewer than mosquitto's in-flight window (20), so the leaver gets each of its messages before it leaves.
    const before = await publishReadings('house-12', 'before', 16);
    // mqtt.js reads nothing more while an acknowledgement is held: what else was sent to the leaver waits unread.
    await waitFor(() => held.length > 0 && inbox(stayer).messages.length > 0, {
      timeoutMs: 10_000,
      what: 'readings at both members',
    });
    leaver.end(true); // gone without acknowledging
    await new Promise<void>((resolve) => leaver.once('close', () => resolve()));
    const after = await publishReadings('house-13', 'after', 60);
    const sent = [...before, ...after];
    const acked = () => inbox(stayer).messages;
    if (broker.sharedLeaver === 'redelivered-to-others') {
      await waitFor(() => new Set(acked()).size >= sent.length, {
        timeoutMs: 10_000,
        what: 'every reading at the stayer',
      });
    } else {
      // mosquitto keeps them in the leaver's session: they come when it returns.
      const back = await clients.connect(broker.tcp, 'sink-worker', { clean: false, clientId: 'sink-worker-leaver' });
      await waitFor(() => new Set([...acked(), ...inbox(back).messages]).size >= sent.length, {
        timeoutMs: 10_000,
        what: 'every reading at the stayer or the returning leaver',
      });
      acked().push(...inbox(back).messages);
    }
    expect(new Set(acked())).toEqual(new Set(sent));
  });

  it("hands a leaving clean-session member's unacknowledged messages to the others", async () => {
    const leaver = await member('sink-worker-clean', 'clean-leave', { clean: true });
    const { held } = holdAcks(leaver);
    const stayer = await member('sink-worker-clean-stayer', 'clean-leave');
    const sent = await publishReadings('house-12', 'clean', 16);
    await waitFor(() => held.length > 0 && inbox(stayer).messages.length > 0, {
      timeoutMs: 10_000,
      what: 'readings at both members',
    });
    leaver.end(true);
    await new Promise<void>((resolve) => leaver.once('close', () => resolve()));
    const acked = () => inbox(stayer).messages;
    if (broker.sharedCleanLeaver === 'redelivered-to-others') {
      await waitFor(() => new Set(acked()).size >= sent.length, {
        timeoutMs: 10_000,
        what: 'every reading at the stayer',
      });
      expect(new Set(acked())).toEqual(new Set(sent));
    } else {
      // mosquitto ends the clean session with what it held: those readings are lost to the group.
      const marker = await publishReadings('house-12', 'marker', 1);
      await inbox(stayer).has(marker[0] as string);
      expect(acked().filter((m) => held.includes(m))).toEqual([]);
    }
  });

  it('keeps queueing for persistent members across a restart, before any of them is back', async () => {
    const first = await member('sink-worker-r1', 'restart');
    const second = await member('sink-worker-r2', 'restart');
    await Promise.all([first.endAsync(), second.endAsync()]);
    await broker.restart();
    const sent = await publishReadings('house-12', 'offline', 20);
    const back = await clients.connect(broker.tcp, 'sink-worker', { clean: false, clientId: 'sink-worker-r1' });
    const other = await clients.connect(broker.tcp, 'sink-worker', { clean: false, clientId: 'sink-worker-r2' });
    const got = () => [...inbox(back).messages, ...inbox(other).messages];
    if (broker.sharedAfterRestart === 'kept') {
      await waitFor(() => new Set(got()).size >= sent.length, { timeoutMs: 10_000, what: 'every reading at a member' });
      expect(new Set(got())).toEqual(new Set(sent));
      return;
    }
    // mosquitto 2.0.11 restores the sessions without their shared subscriptions: what came meanwhile is lost, and
    // only a new SUBSCRIBE (the sink worker subscribes at every connect) brings readings again.
    await Promise.all([back, other].map((c) => c.subscribeAsync(`$share/restart/${READINGS}`, { qos: 1 })));
    const later = await publishReadings('house-12', 'later', 20);
    await waitFor(() => new Set(got()).size >= later.length, { timeoutMs: 10_000, what: 'the later readings' });
    expect(new Set(got())).toEqual(new Set(later));
  });

  it('lets a client share-subscribe only to what it may read', async () => {
    // dash-lena may read house-14 only; dash-martin may read house-12.
    const lena = await clients.connect(broker.tcp, 'dash-lena');
    const martin = await clients.connect(broker.tcp, 'dash-martin');
    // mqtt.js reports a SUBACK of 0x80 as an error.
    const granted = await lena.subscribeAsync('$share/spy/wattbus/v1/house-12/#', { qos: 1 }).then(
      (grants) => grants.map((g) => g.qos),
      (err: Error) => err.message,
    );
    await martin.subscribeAsync('$share/dash/wattbus/v1/house-12/#', { qos: 1 });
    const sent = await publishReadings('house-12', 'x', 20);
    await waitFor(() => inbox(martin).messages.length >= sent.length, { timeoutMs: 10_000, what: "martin's readings" });
    expect(inbox(martin).messages.sort()).toEqual([...sent].sort());
    expect(inbox(lena).messages).toEqual([]);
    expect(granted).toEqual(broker.sharedDenied === 'refused' ? 'Subscribe error: Unspecified error' : [1]);
  });
});

describe('shared subscriptions: aedes only', () => {
  let broker: Target;
  let clients: Clients;
  beforeAll(async () => {
    broker = await TARGETS.aedes(fixture);
    clients = new Clients(fixture);
  });
  afterAll(async () => {
    await clients?.closeAll();
    await broker?.stop();
  });

  it('hands messages to the member with the fewest unacknowledged, not in turn', async () => {
    // A member that reads everything and acknowledges nothing: whatever it is handed stays unacknowledged.
    const { socket } = await rawSession(Number(new URL(broker.tcp).port), {
      clientId: 'sink-worker-slow',
      username: 'sink-worker',
      password: fixture.passwords['sink-worker'],
    });
    const bytes: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => bytes.push(chunk));
    socket.write(subscribePacket(`$share/load/${READINGS}`, 1));
    await waitFor(() => Buffer.concat(bytes).includes(Buffer.from([0x90, 3, 0, 1, 1])), { what: 'the SUBACK' });
    const topic = 'wattbus/v1/house-12/main/reading';
    const atSlow = () => Buffer.concat(bytes).toString('latin1').split(topic).length - 1;
    const fast = await clients.connect(broker.tcp, 'sink-worker', { clientId: 'sink-worker-fast' });
    await fast.subscribeAsync(`$share/load/${READINGS}`, { qos: 1 });
    const agent = await clients.connect(broker.tcp, 'house-12');
    // One at a time: in turn, each member would get every other one.
    for (let i = 0; i < 100; i++) {
      await agent.publishAsync(topic, `l${i}`, { qos: 1 });
      await waitFor(() => inbox(fast).messages.length + atSlow() > i, { what: `reading ${i} at a member` });
    }
    expect(inbox(fast).messages.length + atSlow()).toBe(100);
    expect(atSlow()).toBeGreaterThan(0);
    expect(atSlow()).toBeLessThanOrEqual(5);
    socket.destroy();
  });

  it('queues a message only for an offline member that subscribed with QoS 1', async () => {
    const session = (clientId: string) => ({ clean: false, clientId });
    const qos0 = await clients.connect(broker.tcp, 'sink-worker', session('sink-worker-q0'));
    await qos0.subscribeAsync(`$share/qos/${READINGS}`, { qos: 0 });
    const qos1 = await clients.connect(broker.tcp, 'sink-worker', session('sink-worker-q1'));
    await qos1.subscribeAsync(`$share/qos/${READINGS}`, { qos: 1 });
    await Promise.all([qos0.endAsync(), qos1.endAsync()]);
    const agent = await clients.connect(broker.tcp, 'house-12');
    const sent = Array.from({ length: 10 }, (_, i) => `wattbus/v1/house-12/main/reading q${i}`);
    for (const m of sent)
      await agent.publishAsync('wattbus/v1/house-12/main/reading', m.split(' ')[1] ?? '', { qos: 1 });
    const back = await clients.connect(broker.tcp, 'sink-worker', session('sink-worker-q1'));
    await waitFor(() => inbox(back).messages.length >= sent.length, { what: 'every reading at the QoS 1 member' });
    expect(inbox(back).messages).toEqual(sent);
  });
});
