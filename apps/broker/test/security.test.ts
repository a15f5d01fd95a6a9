import { readFileSync } from 'node:fs';
import { connect as connectTcp } from 'node:net';
import {
  CERT_TARGETS,
  type CertTarget,
  type Fixture,
  makeFixture,
  TARGETS,
  type Target,
  type TargetName,
  USERS,
} from '@wattbus/broker-targets';
import { makeTestPki, type TestPki, waitFor } from '@wattbus/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Clients, inbox, publishOutcome, sessionPresent } from './helpers/clients.js';
import { scrape } from './helpers/metrics.js';
import { NeverReadingClient, publishPacket, rawSession } from './helpers/raw-client.js';

// One suite, two brokers: our Aedes app (as a process, configured by deploy/examples/broker.yaml) and the real
// mosquitto (configured by deploy/mosquitto/mosquitto.conf), both with deploy/mosquitto/acl and one password
// file. Where the two differ on purpose, the difference is a field of the target (deniedPublish).

let fixture: Fixture;
beforeAll(async () => {
  fixture = await makeFixture();
});
afterAll(async () => {
  await fixture?.cleanup();
});

describe.each(Object.keys(TARGETS) as TargetName[])('secured broker: %s', (name) => {
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

  it('refuses a wrong password, an unknown user and anonymous clients; every user of the file gets in', async () => {
    const { tcp } = broker;
    expect(await clients.attempt(tcp, { username: 'house-12', password: 'wrong' })).toBe(5);
    expect(await clients.attempt(tcp, { username: 'house-99', password: 'x' })).toBe(5);
    expect(await clients.attempt(tcp, { username: 'house-12' })).toBe(5);
    expect(await clients.attempt(tcp, {})).toBe(5);
    // Half of these hashes come from mosquitto_passwd, half from wattbus-broker's code.
    const results = await Promise.all(USERS.map((u) => clients.attempt(tcp, clients.options(u))));
    expect(results).toEqual(USERS.map(() => 'connected'));
  });

  it('lets an agent publish under its own site only', async () => {
    const sink = await clients.connect(broker.tcp, 'sink-worker');
    const got = inbox(sink);
    await sink.subscribeAsync('#', { qos: 1 });
    const agent = await clients.connect(broker.tcp, 'house-12');
    await agent.publishAsync('wattbus/v1/house-12/main/reading', 'own', { qos: 1 });

    const forbidden = [
      'wattbus/v1/house-13/main/reading',
      'wattbus/v1/alerts/house-12/missing-data',
      'wattbus/v1/dlq/sink-worker',
      'wattbus/v1/house-12/main/not-a-contract-topic',
      'elsewhere/house-12',
      // Reserved meter ids: these would read like the site's own status, info and health topics.
      'wattbus/v1/house-12/reading/reading',
      'wattbus/v1/house-12/status/reading',
      'wattbus/v1/house-12/info/reading',
      'wattbus/v1/house-12/health/reading',
    ];
    for (const topic of forbidden) {
      const attacker = await clients.connect(broker.tcp, 'house-12');
      expect(await publishOutcome(attacker, topic, 'forged', { retain: true }), topic).toBe(
        broker.deniedPublish === 'disconnects' ? 'disconnected' : 'acknowledged',
      );
    }
    const other = await clients.connect(broker.tcp, 'house-13');
    await other.publishAsync('wattbus/v1/house-13/main/reading', 'marker', { qos: 1 });
    await got.has('wattbus/v1/house-13/main/reading marker');
    expect(got.messages).toEqual(['wattbus/v1/house-12/main/reading own', 'wattbus/v1/house-13/main/reading marker']);

    // Nothing forged was retained either.
    const late = await clients.connect(broker.tcp, 'sink-worker');
    const retained = inbox(late);
    await late.subscribeAsync('wattbus/v1/#', { qos: 1 });
    await other.publishAsync('wattbus/v1/house-13/status', 'marker', { qos: 1 });
    await retained.has('wattbus/v1/house-13/status marker');
    expect(retained.messages).toEqual(['wattbus/v1/house-13/status marker']);
    await other.publishAsync('wattbus/v1/house-13/status', '', { qos: 1, retain: true });
  });

  it("lets sink workers publish storage receipts, and an agent read its own site's only, never publish one", async () => {
    const agent = await clients.connect(broker.tcp, 'house-12');
    const got = inbox(agent);
    await agent.subscribeAsync(['#', 'wattbus/v1/+/receipt/+'], { qos: 1 });
    const sink = await clients.connect(broker.tcp, 'sink-worker');
    await sink.publishAsync('wattbus/v1/house-13/receipt/sink-worker', 'r13', { qos: 1 });
    await sink.publishAsync('wattbus/v1/house-12/receipt/sink-worker', 'r12', { qos: 1 });
    await got.has('wattbus/v1/house-12/receipt/sink-worker r12');

    const forged = [
      'wattbus/v1/house-12/receipt/sink-worker',
      'wattbus/v1/house-13/receipt/sink-worker',
      // a reading of a meter named "receipt" would read like a receipt
      'wattbus/v1/house-12/receipt/reading',
    ];
    for (const topic of forged) {
      const attacker = await clients.connect(broker.tcp, 'house-12');
      expect(await publishOutcome(attacker, topic, 'forged'), topic).toBe(
        broker.deniedPublish === 'disconnects' ? 'disconnected' : 'acknowledged',
      );
    }
    const other = await clients.connect(broker.tcp, 'house-13');
    expect(await publishOutcome(other, 'wattbus/v1/house-12/receipt/sink-worker', 'forged-13'), 'house-13').toBe(
      broker.deniedPublish === 'disconnects' ? 'disconnected' : 'acknowledged',
    );
    await sink.publishAsync('wattbus/v1/house-12/receipt/sink-worker', 'marker', { qos: 1 });
    await got.has('wattbus/v1/house-12/receipt/sink-worker marker');
    expect(got.messages).toEqual([
      'wattbus/v1/house-12/receipt/sink-worker r12',
      'wattbus/v1/house-12/receipt/sink-worker marker',
    ]);
  });

  it('lets sink workers receipt rollups to the rollup app only, and the rollup app receipt readings as itself only', async () => {
    const rollup = await clients.connect(broker.tcp, 'rollup');
    const agent = await clients.connect(broker.tcp, 'house-12');
    const insights = await clients.connect(broker.tcp, 'insights');
    const [toRollup, toAgent, toInsights] = [inbox(rollup), inbox(agent), inbox(insights)];
    for (const c of [rollup, agent, insights])
      await c.subscribeAsync(['#', 'wattbus/v1/+/rollup/receipt/+'], { qos: 1 });
    const sink = await clients.connect(broker.tcp, 'sink-worker');
    await sink.publishAsync('wattbus/v1/house-12/rollup/receipt/sink-worker', 'rr12', { qos: 1 });
    await sink.publishAsync('wattbus/v1/house-12/receipt/sink-worker', 'r12', { qos: 1 });
    await rollup.publishAsync('wattbus/v1/house-12/receipt/rollup', 'journaled', { qos: 1 });

    const denied = broker.deniedPublish === 'disconnects' ? 'disconnected' : 'acknowledged';
    // The rollup app cannot receipt under another consumer's name; a household cannot forge a rollup receipt.
    for (const [user, topic] of [
      ['rollup', 'wattbus/v1/house-12/receipt/sink-worker'],
      ['rollup', 'wattbus/v1/house-12/rollup/receipt/sink-worker'],
      ['house-12', 'wattbus/v1/house-12/rollup/receipt/sink-worker'],
      ['house-12', 'wattbus/v1/house-12/receipt/rollup'],
    ] as const) {
      const attacker = await clients.connect(broker.tcp, user);
      expect(await publishOutcome(attacker, topic, 'forged'), `${user} ${topic}`).toBe(denied);
    }
    await sink.publishAsync('wattbus/v1/house-12/rollup/receipt/sink-worker', 'marker', { qos: 1 });
    await sink.publishAsync('wattbus/v1/house-12/receipt/sink-worker', 'marker', { qos: 1 });
    await toRollup.has('wattbus/v1/house-12/rollup/receipt/sink-worker marker');
    await toAgent.has('wattbus/v1/house-12/receipt/sink-worker marker');
    expect(toRollup.messages).toEqual([
      'wattbus/v1/house-12/rollup/receipt/sink-worker rr12',
      'wattbus/v1/house-12/rollup/receipt/sink-worker marker',
    ]);
    expect(toAgent.messages).toEqual([
      'wattbus/v1/house-12/receipt/sink-worker r12',
      'wattbus/v1/house-12/receipt/rollup journaled',
      'wattbus/v1/house-12/receipt/sink-worker marker',
    ]);
    expect(toInsights.messages).toEqual([]);
  });

  it('delivers to each user only what it may read, whatever it subscribes to (wildcards included)', async () => {
    const agent12 = await clients.connect(broker.tcp, 'house-12');
    const agent13 = await clients.connect(broker.tcp, 'house-13');
    const agent14 = await clients.connect(broker.tcp, 'house-14');
    const alerter = await clients.connect(broker.tcp, 'alerter');
    const sink = await clients.connect(broker.tcp, 'sink-worker');
    await agent12.publishAsync('wattbus/v1/house-12/status', 'online-12', { qos: 1, retain: true });
    await agent14.publishAsync('wattbus/v1/house-14/status', 'online-14', { qos: 1, retain: true });
    await alerter.publishAsync('wattbus/v1/alerts/house-12/missing-data', 'alert-12', { qos: 1, retain: true });

    const subscribers = {
      lena: await clients.connect(broker.wss, 'dash-lena'),
      martin: await clients.connect(broker.tcp, 'dash-martin'),
      agent13: await clients.connect(broker.tcp, 'house-13'),
    };
    const boxes = {
      lena: inbox(subscribers.lena),
      martin: inbox(subscribers.martin),
      agent13: inbox(subscribers.agent13),
    };
    // Granted like mosquitto grants them; what is read is filtered per message.
    expect(await subscribers.lena.subscribeAsync(['#', 'wattbus/v1/house-12/#'], { qos: 1 })).toEqual([
      { topic: '#', qos: 1 },
      { topic: 'wattbus/v1/house-12/#', qos: 1 },
    ]);
    expect(await subscribers.martin.subscribeAsync('wattbus/#', { qos: 1 })).toEqual([{ topic: 'wattbus/#', qos: 1 }]);
    expect(await subscribers.agent13.subscribeAsync(['#', '+/+/+/+/+'], { qos: 1 })).toEqual([
      { topic: '#', qos: 1 },
      { topic: '+/+/+/+/+', qos: 1 },
    ]);

    await agent12.publishAsync('wattbus/v1/house-12/main/reading', 'r12', { qos: 1 });
    await agent13.publishAsync('wattbus/v1/house-13/main/reading', 'r13', { qos: 1 });
    await agent14.publishAsync('wattbus/v1/house-14/main/reading', 'r14', { qos: 1 });
    await alerter.publishAsync('wattbus/v1/alerts/house-14/missing-data', 'alert-14', { qos: 1 });
    await sink.publishAsync('wattbus/v1/dlq/sink-worker', 'dead', { qos: 1 });
    for (const agent of [agent12, agent13, agent14]) {
      await agent.publishAsync(`wattbus/v1/${agent.options.username}/health`, 'last', { qos: 1 });
    }
    await boxes.lena.has('wattbus/v1/house-14/health last');
    await boxes.martin.has('wattbus/v1/house-12/health last');
    await boxes.martin.has('wattbus/v1/house-13/health last');

    expect(new Set(boxes.lena.messages)).toEqual(
      new Set([
        'wattbus/v1/house-14/status online-14',
        'wattbus/v1/house-14/main/reading r14',
        'wattbus/v1/alerts/house-14/missing-data alert-14',
        'wattbus/v1/house-14/health last',
      ]),
    );
    expect(new Set(boxes.martin.messages)).toEqual(
      new Set([
        'wattbus/v1/house-12/status online-12',
        'wattbus/v1/alerts/house-12/missing-data alert-12',
        'wattbus/v1/house-12/main/reading r12',
        'wattbus/v1/house-13/main/reading r13',
        'wattbus/v1/house-12/health last',
        'wattbus/v1/house-13/health last',
      ]),
    );
    expect(boxes.agent13.messages).toEqual([]);
    await agent12.publishAsync('wattbus/v1/house-12/status', '', { qos: 1, retain: true });
    await agent14.publishAsync('wattbus/v1/house-14/status', '', { qos: 1, retain: true });
    await alerter.publishAsync('wattbus/v1/alerts/house-12/missing-data', '', { qos: 1, retain: true });
  });

  it('keeps QoS1 messages for an offline persistent session across a restart, and only what it may read', async () => {
    const session = { clean: false, clientId: 'sink-worker' };
    const sink = await clients.connect(broker.tcp, 'sink-worker', session);
    await sink.subscribeAsync('wattbus/v1/+/+/reading', { qos: 1 });
    const lenaSession = { clean: false, clientId: 'dash-lena-1' };
    const lena = await clients.connect(broker.tcp, 'dash-lena', lenaSession);
    await lena.subscribeAsync('#', { qos: 1 });
    await Promise.all([sink.endAsync(), lena.endAsync()]);

    const sent: string[] = [];
    for (const site of ['house-12', 'house-14']) {
      const agent = await clients.connect(broker.tls, site as 'house-12' | 'house-14');
      for (let i = 0; i < 5; i++) {
        await agent.publishAsync(`wattbus/v1/${site}/main/reading`, `q${i}`, { qos: 1 });
        sent.push(`wattbus/v1/${site}/main/reading q${i}`);
      }
      await agent.publishAsync(`wattbus/v1/${site}/info`, `info-${site}`, { qos: 1, retain: true });
      await agent.endAsync();
    }

    await broker.restart();

    const back = inbox(await clients.connect(broker.tcp, 'sink-worker', { ...session, clean: false }));
    await waitFor(() => back.messages.length >= sent.length, { timeoutMs: 10_000, what: 'the queued readings' });
    expect(back.messages).toEqual(sent);
    const lenaBack = inbox(await clients.connect(broker.tcp, 'dash-lena', lenaSession));
    const fresh = await clients.connect(broker.tcp, 'dash-lena');
    const retained = inbox(fresh);
    await fresh.subscribeAsync('wattbus/v1/+/info', { qos: 1 });
    await retained.has('wattbus/v1/house-14/info info-house-14');
    await lenaBack.has('wattbus/v1/house-14/info info-house-14');
    expect(lenaBack.messages).toEqual([
      ...sent.filter((m) => m.includes('house-14/')),
      'wattbus/v1/house-14/info info-house-14',
    ]);
    expect(retained.messages).toEqual(['wattbus/v1/house-14/info info-house-14']);
  });

  it("keeps the services' client ids and sessions for their users", async () => {
    const asHousehold = (clientId: string, clean: boolean) => ({ ...clients.options('house-12'), clientId, clean });
    const squat = async (clientId: string) => {
      for (const url of [broker.tls, broker.wss]) {
        for (const clean of [false, true]) {
          expect(await clients.attempt(url, asHousehold(clientId, clean)), `${url} clean=${clean}`).toBe(
            broker.foreignClientId === 'refused' ? 5 : 'connected',
          );
        }
      }
    };
    // While the alerter has no session, a household tries to make one under its id: the alerter gets a
    // session of its own.
    for (const url of [broker.tls, broker.wss]) {
      expect(await clients.attempt(url, asHousehold('alerter', false))).toBe(
        broker.foreignClientId === 'refused' ? 5 : 'connected',
      );
    }
    const alerter = await clients.connect(broker.tcp, 'alerter', { clientId: 'alerter', clean: false });
    expect(sessionPresent(alerter)).toBe(false);
    await alerter.endAsync();

    // Online, the sink worker is not pushed off.
    const session = { clientId: 'sink-worker', clean: false };
    const sink = await clients.connect(broker.tcp, 'sink-worker', session);
    await sink.subscribeAsync('wattbus/v1/+/+/reading', { qos: 1 });
    let sinkClosed = false;
    sink.on('close', () => {
      sinkClosed = true;
    });
    await squat('sink-worker');
    const agent = await clients.connect(broker.tls, 'house-13');
    await agent.publishAsync('wattbus/v1/house-13/main/reading', 'online', { qos: 1 });
    await inbox(sink).has('wattbus/v1/house-13/main/reading online');
    expect(sinkClosed).toBe(false);

    // Offline, its session and the readings queued in it stay for it.
    await sink.endAsync();
    const queued: string[] = [];
    for (let i = 0; i < 5; i++) {
      await agent.publishAsync('wattbus/v1/house-13/main/reading', `q${i}`, { qos: 1 });
      queued.push(`wattbus/v1/house-13/main/reading q${i}`);
    }
    await squat('sink-worker');
    await squat('sink-worker-sites');
    const back = await clients.connect(broker.tcp, 'sink-worker', session);
    expect(sessionPresent(back)).toBe(true);
    await waitFor(() => inbox(back).messages.length >= queued.length, { timeoutMs: 10_000, what: 'the queue' });
    expect(inbox(back).messages).toEqual(queued);
  });

  it('speaks TLS on the TLS listener and refuses plain MQTT there', async () => {
    expect(await clients.attempt(broker.plainOnTlsPort, clients.options('house-12'))).not.toBe('connected');
    expect(await clients.attempt(broker.tls, { ...clients.options('house-12'), ca: undefined })).toBe(
      'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    );
    const sink = await clients.connect(broker.tcp, 'sink-worker');
    const got = inbox(sink);
    await sink.subscribeAsync('wattbus/v1/+/+/reading', { qos: 1 });
    const agent = await clients.connect(broker.tls, 'house-12');
    await agent.publishAsync('wattbus/v1/house-12/main/reading', 'over-tls', { qos: 1 });
    await got.has('wattbus/v1/house-12/main/reading over-tls');
  });

  it('serves browsers over WebSocket with TLS', async () => {
    const dashboard = await clients.connect(broker.wss, 'dash-martin');
    const got = inbox(dashboard);
    await dashboard.subscribeAsync('wattbus/v1/house-13/#', { qos: 1 });
    const agent = await clients.connect(broker.tls, 'house-13');
    await agent.publishAsync('wattbus/v1/house-13/main/reading', 'to-browser', { qos: 1 });
    await got.has('wattbus/v1/house-13/main/reading to-browser');
  });

  it('disconnects a client that sends an oversize packet, and delivers the others', async () => {
    const sink = await clients.connect(broker.tcp, 'sink-worker');
    const got = inbox(sink);
    await sink.subscribeAsync('wattbus/v1/+/+/reading', { qos: 1 });
    const agent = await clients.connect(broker.tls, 'house-12');
    const fits = Buffer.alloc(200_000, 'a');
    await agent.publishAsync('wattbus/v1/house-12/main/reading', fits, { qos: 1 });
    // Another user: on mosquitto's TLS listener a second connection of house-12 would push the first off.
    const big = await clients.connect(broker.tls, 'house-14');
    expect(await publishOutcome(big, 'wattbus/v1/house-14/big/reading', Buffer.alloc(300_000, 'b'))).toBe(
      'disconnected',
    );
    await agent.publishAsync('wattbus/v1/house-12/main/reading', 'marker', { qos: 1 });
    await got.has('wattbus/v1/house-12/main/reading marker');
    expect(got.messages.map((m) => m.slice(0, 45))).toEqual([
      `wattbus/v1/house-12/main/reading ${'a'.repeat(12)}`,
      'wattbus/v1/house-12/main/reading marker',
    ]);
  });

  it('drops a connection that sends garbage; the other clients carry on', async () => {
    const sink = await clients.connect(broker.tcp, 'sink-worker');
    const got = inbox(sink);
    await sink.subscribeAsync('wattbus/v1/+/+/reading', { qos: 1 });
    let sinkClosed = false;
    sink.on('close', () => {
      sinkClosed = true;
    });
    const port = Number(new URL(broker.tcp).port);
    const garbage = connectTcp(port, '127.0.0.1');
    garbage.on('error', () => {}); // mosquitto resets the connection
    const closed = new Promise((resolve) => garbage.once('close', resolve));
    garbage.write('GET /mqtt HTTP/1.1\r\nHost: x\r\n\r\n');
    await closed;
    const agent = await clients.connect(broker.tcp, 'house-12');
    await agent.publishAsync('wattbus/v1/house-12/main/reading', 'still-here', { qos: 1 });
    await got.has('wattbus/v1/house-12/main/reading still-here');
    expect(sinkClosed).toBe(false);
  });

  it('keeps delivering to everyone else while a subscriber never reads its socket', async () => {
    // One household's own two credentials: its dashboard subscribes to its site and stops reading, its agent
    // publishes a lot. An unrelated agent and dashboard must not notice. Mosquitto queues for the stalled
    // reader (max_queued_messages) and keeps it; the embedded broker drops it (limits.slow_reader), and its
    // metrics show when the stall is on.
    const reader = await NeverReadingClient.open(
      Number(new URL(broker.tcp).port),
      { clientId: 'dash-lena-stalled', username: 'dash-lena', password: fixture.passwords['dash-lena'] },
      'wattbus/v1/house-14/#',
    );
    try {
      const agent = await clients.connect(broker.tcp, 'house-12');
      const dashboard = await clients.connect(broker.tcp, 'dash-martin');
      const got = inbox(dashboard);
      await dashboard.subscribeAsync('wattbus/v1/house-12/+/reading', { qos: 1 });

      // 20 MB, more than the kernel's socket buffers hold for one reader, from 10 connections (each within the
      // embedded broker's publish_rate burst): each message waits until it is written to every subscriber.
      const flooders = await Promise.all(Array.from({ length: 10 }, () => clients.connect(broker.tcp, 'house-14')));
      const chunk = Buffer.alloc(4096, 'x');
      const flood = Promise.all(
        flooders.map(async (flooder) => {
          for (let batch = 0; batch < 5; batch++) {
            await Promise.all(
              Array.from({ length: 100 }, () =>
                flooder.publishAsync('wattbus/v1/house-14/main/reading', chunk, { qos: 1 }),
              ),
            );
          }
        }),
      );
      flood.catch(() => {}); // awaited below; a failure before that must not also surface as unhandled
      const metrics = broker.metricsUrl;
      const drops = async (url: string) =>
        (await scrape(url)).value('wattbus_broker_client_errors_total{reason="slow_reader"}');
      if (metrics) {
        // The reader's socket is full and the broker holds what it could not send (tens of kB: what the
        // flooder sent in one go): the stall is on. Clients that read leave nothing here.
        await waitFor(async () => (await scrape(metrics)).value('wattbus_broker_unsent_bytes') > 32_768, {
          timeoutMs: 20_000,
          what: 'the stalled reader to hold unsent bytes',
        });
      }
      const sent: string[] = [];
      for (let i = 0; i < 100; i++) {
        await agent.publishAsync('wattbus/v1/house-12/main/reading', `r${i}`, { qos: 1 });
        sent.push(`wattbus/v1/house-12/main/reading r${i}`);
      }
      await got.has(sent.at(-1) as string);
      expect(got.messages).toEqual(sent);

      if (metrics) {
        // ... all of it while the reader was stalled, not after it was dropped; then it is dropped.
        expect(await drops(metrics)).toBe(0);
        await waitFor(async () => (await drops(metrics)) === 1, {
          timeoutMs: 20_000,
          what: 'the stalled reader to be dropped',
        });
        const dropLine = /"client":"dash-lena-stalled".*"reason":"slow_reader".*"client dropped"/;
        await waitFor(() => dropLine.test(broker.output()), { timeoutMs: 5_000, what: 'the log line of the drop' });
        reader.resume();
        await waitFor(() => reader.closed, {
          timeoutMs: 10_000,
          what: 'the stalled reader to see its connection closed',
        });
      }
      await flood;
      // The broker is alive and well.
      const late = await clients.connect(broker.tcp, 'dash-martin');
      await late.subscribeAsync('wattbus/v1/house-12/#', { qos: 1 });
      await agent.publishAsync('wattbus/v1/house-12/main/reading', 'after', { qos: 1 });
      await inbox(late).has('wattbus/v1/house-12/main/reading after');
    } finally {
      reader.destroy();
    }
  });

  it('closes the connection of a client whose topic holds U+0000 or ill-formed UTF-8 (MQTT 3.1.1 §1.5.3)', async () => {
    const sink = await clients.connect(broker.tcp, 'sink-worker');
    const got = inbox(sink);
    await sink.subscribeAsync('wattbus/v1/+/+/reading', { qos: 1 });
    const port = Number(new URL(broker.tcp).port);
    const login = { clientId: 'raw-house-12', username: 'house-12', password: fixture.passwords['house-12'] };
    const bad = [
      Buffer.from('wattbus/v1/house-12/ma\u0000in/reading'),
      Buffer.concat([Buffer.from('wattbus/v1/house-12/m'), Buffer.from([0xff, 0xfe]), Buffer.from('/reading')]),
      Buffer.concat([Buffer.from('wattbus/v1/house-12/m'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('/reading')]),
    ];
    for (const topic of bad) {
      const { socket, closed } = await rawSession(port, login);
      socket.write(publishPacket(topic, 'bad'));
      await closed;
    }
    const agent = await clients.connect(broker.tcp, 'house-12');
    await agent.publishAsync('wattbus/v1/house-12/main/reading', 'marker', { qos: 1 });
    await got.has('wattbus/v1/house-12/main/reading marker');
    expect(got.messages).toEqual(['wattbus/v1/house-12/main/reading marker']);
  });

  it("publishes an agent's Will on its own status only", async () => {
    const sink = await clients.connect(broker.tcp, 'sink-worker');
    const got = inbox(sink);
    await sink.subscribeAsync('wattbus/v1/+/status', { qos: 1 });
    const will = (topic: string) => ({
      will: { topic, payload: Buffer.from('offline'), qos: 1 as const, retain: false },
    });
    const foreign = await clients.connect(broker.tcp, 'house-12', will('wattbus/v1/house-13/status'));
    foreign.stream.destroy();
    const own = await clients.connect(broker.tcp, 'house-12', will('wattbus/v1/house-12/status'));
    own.stream.destroy();
    await got.has('wattbus/v1/house-12/status offline');
    const agent = await clients.connect(broker.tcp, 'house-13');
    await agent.publishAsync('wattbus/v1/house-13/status', 'marker', { qos: 1 });
    await got.has('wattbus/v1/house-13/status marker');
    expect(got.messages).toEqual(['wattbus/v1/house-12/status offline', 'wattbus/v1/house-13/status marker']);
  });

  it('delivers a Will to a subscriber that also holds $SYS/#', async () => {
    const sink = await clients.connect(broker.tcp, 'sink-worker');
    const got = inbox(sink);
    await sink.subscribeAsync(['$SYS/#', 'wattbus/v1/+/status'], { qos: 1 });
    const agent = await clients.connect(broker.tcp, 'house-13', {
      will: { topic: 'wattbus/v1/house-13/status', payload: Buffer.from('gone'), qos: 1, retain: false },
    });
    agent.stream.destroy();
    await got.has('wattbus/v1/house-13/status gone');
  });

  it('publishes the Wills of agents that had subscribed, each one', async () => {
    const sink = await clients.connect(broker.tcp, 'sink-worker');
    const got = inbox(sink);
    await sink.subscribeAsync('wattbus/v1/+/status', { qos: 1 });
    for (let i = 0; i < 6; i++) {
      const agent = await clients.connect(broker.tcp, 'house-12', {
        will: { topic: 'wattbus/v1/house-12/status', payload: Buffer.from(`gone ${i}`), qos: 1, retain: false },
      });
      // the unsubscribe at close is asynchronous: the Will comes after the connection has given up its id
      await agent.subscribeAsync(i % 2 ? '$SYS/#' : 'wattbus/v1/house-12/#', { qos: 1 });
      agent.stream.destroy();
      await got.has(`wattbus/v1/house-12/status gone ${i}`);
    }
    expect(got.messages).toEqual(Array.from({ length: 6 }, (_, i) => `wattbus/v1/house-12/status gone ${i}`));
  });

  it('delivers every reading at once and in order to a connected persistent session while agents publish', async () => {
    const sink = await clients.connect(broker.tcp, 'sink-worker', { clean: false, clientId: 'sink-worker-burst' });
    const got = inbox(sink);
    await sink.subscribeAsync('wattbus/v1/#', { qos: 1 });
    const sites = ['house-12', 'house-13', 'house-14'] as const;
    const agents = await Promise.all(sites.map((site) => clients.connect(broker.tcp, site)));
    const sent: string[] = [];
    await Promise.all(
      agents.map(async (agent, i) => {
        const site = sites[i] as string;
        for (let batch = 0; batch < 10; batch++) {
          const readings = Array.from({ length: 50 }, (_, n) => `${site}-${batch}-${n}`);
          sent.push(...readings.map((r) => `wattbus/v1/${site}/main/reading ${r}`));
          agent.publish(`wattbus/v1/${site}/health`, `h${batch}`, { qos: 0 });
          await Promise.all(readings.map((r) => agent.publishAsync(`wattbus/v1/${site}/main/reading`, r, { qos: 1 })));
        }
      }),
    );
    const readings = () => got.messages.filter((m) => m.includes('/reading '));
    await waitFor(() => readings().length >= sent.length, { timeoutMs: 10_000, what: 'every reading' }).catch(() => {});
    // All of them, and each agent's in the order it sent them.
    for (const site of sites) {
      const own = (list: string[]) => list.filter((m) => m.startsWith(`wattbus/v1/${site}/`));
      expect(own(readings()), site).toEqual(own(sent));
    }
    await sink.endAsync();
    // Nothing was left queued for the next connection either.
    const back = inbox(
      await clients.connect(broker.tcp, 'sink-worker', { clean: false, clientId: 'sink-worker-burst' }),
    );
    const agent = agents[0] as (typeof agents)[number];
    await agent.publishAsync('wattbus/v1/house-12/main/reading', 'marker', { qos: 1 });
    await back.has('wattbus/v1/house-12/main/reading marker');
    expect(back.messages).toEqual(['wattbus/v1/house-12/main/reading marker']);
  });
});

describe.each(Object.keys(CERT_TARGETS) as TargetName[])('client certificates as identity: %s', (name) => {
  let broker: CertTarget;
  let clients: Clients;
  let strangers: TestPki;
  beforeAll(async () => {
    [broker, strangers] = await Promise.all([CERT_TARGETS[name](fixture), makeTestPki()]);
    clients = new Clients(fixture);
  });
  afterEach(async () => {
    await clients.closeAll();
  });
  afterAll(async () => {
    await Promise.all([broker?.stop(), strangers?.cleanup()]);
  });

  const withCertificate = async (pki: TestPki, commonName: string) => {
    const files = await pki.clientCertificate(commonName);
    return { cert: readFileSync(files.cert), key: readFileSync(files.key) };
  };

  it('refuses clients without a certificate from the CA, and takes the CN as the username', async () => {
    expect(await clients.attempt(broker.tls, clients.options('house-12'))).not.toBe('connected');
    const forged = await withCertificate(strangers, 'house-12');
    expect(await clients.attempt(broker.tls, { ...clients.options(undefined), ...forged })).not.toBe('connected');

    const sink = await clients.connect(broker.tcp, 'sink-worker');
    await sink.subscribeAsync('wattbus/v1/#', { qos: 1 });
    const agent = await clients.connect(broker.tls, undefined, await withCertificate(fixture.pki, 'house-12'));
    await agent.publishAsync('wattbus/v1/house-12/main/reading', 'by-certificate', { qos: 1 });
    await publishOutcome(agent, 'wattbus/v1/house-13/main/reading', 'forged');
    const other = await clients.connect(broker.tls, undefined, await withCertificate(fixture.pki, 'house-13'));
    await other.publishAsync('wattbus/v1/house-13/main/reading', 'marker', { qos: 1 });
    await inbox(sink).has('wattbus/v1/house-13/main/reading marker');
    expect(inbox(sink).messages).toEqual([
      'wattbus/v1/house-12/main/reading by-certificate',
      'wattbus/v1/house-13/main/reading marker',
    ]);
  });
});
