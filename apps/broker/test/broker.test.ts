import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { DEPLOY_ACL, type Fixture, makeFixture, USERS } from '@wattbus/broker-targets';
import { DEFAULT_ITERATIONS } from '@wattbus/mqtt/passwords';
import { freePort, startApp, waitFor } from '@wattbus/testkit';
import mqtt from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runPasswd } from '../src/passwd-command.js';
import { Clients, inbox, publishOutcome, sessionPresent } from './helpers/clients.js';
import { scrape } from './helpers/metrics.js';
import { publishPacket, rawSession, subscribePacket } from './helpers/raw-client.js';

// What only the embedded broker does (mosquitto has no equivalent, or behaves differently on purpose);
// what both brokers must do is in security.test.ts.

async function broker(config: object) {
  const [port, wsPort, metricsPort] = [await freePort(), await freePort(), await freePort()];
  const proc = await startApp('broker', {
    listeners: { tcp: { host: '127.0.0.1', port }, ws: { host: '127.0.0.1', port: wsPort } },
    metrics: { host: '127.0.0.1', port: metricsPort },
    ...config,
  });
  return {
    url: `mqtt://127.0.0.1:${port}`,
    ws: `ws://127.0.0.1:${wsPort}/mqtt`,
    metrics: `http://127.0.0.1:${metricsPort}/metrics`,
    proc,
  };
}
type Broker = Awaited<ReturnType<typeof broker>>;

/** Waits for a log line of the broker process (it may reach us after the client saw the broker's answer). */
async function logged(proc: { output(): string }, line: RegExp): Promise<void> {
  await waitFor(() => line.test(proc.output()), { timeoutMs: 5_000, what: `a log line matching ${line}` });
}

describe('wattbus-broker as the demo runs it (anonymous, no ACL, in memory)', () => {
  let open: Broker;
  let closed: Broker;
  beforeAll(async () => {
    [open, closed] = await Promise.all([broker({ auth: { allow_anonymous: true } }), broker({})]);
  });
  afterAll(async () => {
    await Promise.all([open?.proc.stop(), closed?.proc.stop()]);
  });

  it('carries QoS1 messages and keeps retained ones', async () => {
    const pub = await mqtt.connectAsync(open.url, { clientId: 'pub' });
    await pub.publishAsync('wattbus/v1/house-1/status', '{"retained":true}', { qos: 1, retain: true });
    const sub = await mqtt.connectAsync(open.url, { clientId: 'sub' });
    const got: Array<[string, string, boolean]> = [];
    sub.on('message', (t, p, packet) => got.push([t, p.toString(), packet.retain]));
    await sub.subscribeAsync('wattbus/#', { qos: 1 });
    await pub.publishAsync('wattbus/v1/house-1/main/reading', 'live', { qos: 1 });
    await waitFor(() => got.length >= 2, { what: 'two messages' });
    expect(got).toEqual([
      ['wattbus/v1/house-1/status', '{"retained":true}', true],
      ['wattbus/v1/house-1/main/reading', 'live', false],
    ]);
    await Promise.all([pub.endAsync(), sub.endAsync()]);
  });

  it('delivers a message once to a client whose subscriptions overlap, and every message', async () => {
    const sub = await mqtt.connectAsync(open.url, { clientId: 'overlapping' });
    const got: string[] = [];
    sub.on('message', (_t, p) => got.push(p.toString()));
    await sub.subscribeAsync(['overlap/#', 'overlap/+', 'overlap/a'], { qos: 1 });
    const pub = await mqtt.connectAsync(open.url, { clientId: 'overlap-pub' });
    const sent = Array.from({ length: 50 }, (_, i) => `m${i}`);
    await Promise.all(sent.map((m) => pub.publishAsync('overlap/a', m, { qos: 1 })));
    await pub.publishAsync('overlap/a', 'last', { qos: 0 });
    await waitFor(() => got.includes('last'), { what: 'the last message' });
    expect(got.sort()).toEqual([...sent, 'last'].sort());
    await Promise.all([pub.endAsync(), sub.endAsync()]);
  });

  it('closes a connection that sends U+0000 or ill-formed UTF-8 in any string, even with no ACL', async () => {
    const port = Number(new URL(open.url).port);
    const sub = await mqtt.connectAsync(open.url, { clientId: 'utf8-watcher' });
    const got: string[] = [];
    sub.on('message', (t) => got.push(t));
    await sub.subscribeAsync('#', { qos: 0 });
    const nul = Buffer.from('utf8/a\u0000b');
    const surrogate = Buffer.concat([Buffer.from('utf8/'), Buffer.from([0xed, 0xa0, 0x80])]);
    const overlong = Buffer.concat([Buffer.from('utf8/'), Buffer.from([0xc0, 0xaf])]);
    for (const [i, topic] of [nul, surrogate, overlong].entries()) {
      const { socket, closed } = await rawSession(port, { clientId: `raw-${i}`, username: 'x', password: 'x' });
      socket.write(publishPacket(topic, 'bad'));
      await closed;
    }
    const { socket, closed } = await rawSession(port, { clientId: 'raw-sub', username: 'x', password: 'x' });
    socket.write(subscribePacket(nul, 0));
    await closed;
    const pub = await mqtt.connectAsync(open.url, { clientId: 'utf8-pub' });
    await pub.publishAsync('utf8/fine\u00e9', 'ok', { qos: 1 });
    await waitFor(() => got.includes('utf8/fine\u00e9'), { what: 'the valid message' });
    expect(got.filter((t) => t.startsWith('utf8/'))).toEqual(['utf8/fine\u00e9']);
    await Promise.all([pub.endAsync(), sub.endAsync()]);
  });

  it('speaks MQTT over plain WebSocket too (behind a TLS-terminating proxy)', async () => {
    const sub = await mqtt.connectAsync(open.ws, { clientId: 'ws-sub' });
    await sub.subscribeAsync('wattbus/v1/house-2/#', { qos: 1 });
    const got = new Promise<string>((resolve) => sub.once('message', (t, p) => resolve(`${t} ${p}`)));
    const pub = await mqtt.connectAsync(open.url, { clientId: 'tcp-pub' });
    await pub.publishAsync('wattbus/v1/house-2/main/reading', 'via-ws', { qos: 1 });
    expect(await got).toBe('wattbus/v1/house-2/main/reading via-ws');
    expect(await fetch(open.metrics.replace('/metrics', '/other')).then((r) => r.status)).toBe(404);
    await Promise.all([pub.endAsync(), sub.endAsync()]);
  });

  it('refuses clients when anonymous access is off', async () => {
    const error = await mqtt
      .connectAsync(closed.url, { clientId: 'anon', reconnectPeriod: 0 })
      .then(() => undefined)
      .catch((e: Error & { code?: number }) => e);
    expect(error).toMatchObject({ code: 5 });
    await logged(closed.proc, /connection refused: authentication required/);
    expect((await scrape(closed.metrics)).value('wattbus_broker_auth_failures_total{reason="anonymous_refused"}')).toBe(
      1,
    );
  });
});

describe('wattbus-broker config errors', () => {
  it('exits 2 naming the key when the config is invalid', async () => {
    const bad = await startApp('broker', { listeners: { tcp: { prot: 1883 } } }, { readyWhen: null });
    expect(await bad.exited).toBe(2);
    expect(bad.output()).toMatch(/listeners\.tcp\.prot: unknown key \(did you mean "port"\?\)/);
  });

  it('exits 2 naming each key whose file is missing or unusable', async () => {
    const fixture = await makeFixture();
    try {
      const aclFile = `${fixture.dir}/acl`;
      await writeFile(aclFile, 'user bob\ntopic rw bob/#\n');
      const bad = await startApp(
        'broker',
        {
          listeners: {
            tls: { port: 0, cert_file: fixture.pki.server.cert, key_file: `${fixture.dir}/nope.key` },
            wss: {
              port: 0,
              cert_file: fixture.pki.server.cert,
              key_file: fixture.pki.server.key,
              require_client_cert: true,
            },
          },
          auth: { password_file: `${fixture.dir}/missing`, acl_file: aclFile },
        },
        { readyWhen: null },
      );
      expect(await bad.exited).toBe(2);
      const out = bad.output();
      expect(out).toMatch(/auth\.password_file: cannot read .*missing: ENOENT/);
      expect(out).toMatch(/auth\.acl_file: acl file .*acl line 2: invalid access type "rw"/);
      expect(out).toMatch(/listeners\.tls\.key_file: cannot read .*nope\.key: ENOENT/);
      expect(out).toMatch(/listeners\.wss\.ca_file: required when require_client_cert is true/);
    } finally {
      await fixture.cleanup();
    }
  });
});

describe('wattbus-broker secured (deploy ACL), for what only it does', () => {
  let fixture: Fixture;
  let secured: Broker;
  let strict: Broker;
  let clients: Clients;
  beforeAll(async () => {
    fixture = await makeFixture();
    const auth = { password_file: fixture.passwordFile, acl_file: DEPLOY_ACL };
    [secured, strict] = await Promise.all([
      broker({ auth, limits: { publish_rate: { per_second: 10, burst: 10, on_exceed: 'throttle' } } }),
      broker({
        auth,
        limits: {
          publish_rate: { per_second: 10, burst: 10, on_exceed: 'disconnect' },
          connection_rate: { per_second: 0.01, burst: 4 },
        },
      }),
    ]);
    clients = new Clients(fixture);
  });
  afterEach(async () => {
    await clients.closeAll();
  });
  afterAll(async () => {
    await Promise.all([secured?.proc.stop(), strict?.proc.stop()]);
    await fixture?.cleanup();
  });

  it("refuses a client id that belongs to another user's session", async () => {
    const sink = await clients.connect(secured.url, 'sink-worker', { clientId: 'sink-1', clean: false });
    await sink.subscribeAsync('wattbus/v1/+/+/reading', { qos: 1 });
    await sink.endAsync();
    expect(await clients.attempt(secured.url, clients.options('house-13', { clientId: 'sink-1' }))).toBe(5);
    const online = await clients.connect(secured.url, 'dash-lena', { clientId: 'lena-browser' });
    expect(await clients.attempt(secured.url, clients.options('house-13', { clientId: 'lena-browser' }))).toBe(5);
    expect(online.connected).toBe(true);
    expect(
      await clients.attempt(secured.url, clients.options('sink-worker', { clientId: 'sink-1', clean: false })),
    ).toBe('connected');
    await logged(secured.proc, /"client":"lena-browser".*connection refused: client id belongs to another user/);
    // The logs name the refused user, and a refusal is not a drop.
    const lines = secured.proc.output().split('\n');
    const about = (id: string) =>
      lines.filter((l) => l.includes(`"client":"${id}"`) && !l.includes('"client connected"'));
    expect(about('lena-browser').map((l) => [JSON.parse(l).username, JSON.parse(l).msg])).toEqual([
      ['house-13', 'connection refused: client id belongs to another user'],
    ]);
    expect(about('sink-1').filter((l) => /client dropped|"username":"sink-worker".*refused/.test(l))).toEqual([]);
  });

  it('refuses reading topics with reserved ids even when the ACL would allow them', async () => {
    const aclFile = join(fixture.dir, 'acl-without-denies');
    await writeFile(aclFile, 'pattern write wattbus/v1/%u/+/reading\n');
    const loose = await broker({ auth: { password_file: fixture.passwordFile, acl_file: aclFile } });
    try {
      for (const meter of ['reading', 'status', 'info', 'health']) {
        const agent = await clients.connect(loose.url, 'house-12');
        expect(await publishOutcome(agent, `wattbus/v1/house-12/${meter}/reading`, '{}'), meter).toBe('disconnected');
      }
      const agent = await clients.connect(loose.url, 'house-12');
      expect(await publishOutcome(agent, 'wattbus/v1/house-12/main/reading', '{}')).toBe('acknowledged');
      await logged(loose.proc, /"problem":"meter id \\"status\\" is reserved".*publish denied/);
    } finally {
      await clients.closeAll();
      await loose.proc.stop();
    }
  });

  it("refuses a service's client id to anyone else even while the service has no session", async () => {
    for (const clientId of ['alerter', 'alerter-state', 'sink-worker-sites', 'wattbus-agent-house-14']) {
      expect(await clients.attempt(secured.url, clients.options('house-13', { clientId, clean: false }))).toBe(5);
    }
    expect(
      await clients.attempt(secured.url, clients.options('house-14', { clientId: 'wattbus-agent-house-14' })),
    ).toBe('connected');
    await logged(
      secured.proc,
      /"client":"sink-worker-sites".*"username":"house-13".*"reserved_for":"sink-worker".*client id reserved/,
    );
  });

  it('queues for a persistent session only what its user may read, and exports its metrics', async () => {
    const lena = await clients.connect(secured.url, 'dash-lena', { clientId: 'lena-tablet', clean: false });
    await lena.subscribeAsync('#', { qos: 1 });
    await lena.endAsync();
    const before = await scrape(secured.metrics);
    for (const site of ['house-12', 'house-14'] as const) {
      const agent = await clients.connect(secured.url, site);
      for (let i = 0; i < 3; i++) await agent.publishAsync(`wattbus/v1/${site}/main/reading`, `r${i}`, { qos: 1 });
    }
    const after = await scrape(secured.metrics);
    expect(after.value('wattbus_broker_messages_queued') - before.value('wattbus_broker_messages_queued')).toBe(
      // 3 for lena (house-14 only), 6 for the offline sink-1 session of the previous test.
      9,
    );
    expect(after.value('wattbus_broker_messages_in_total') - before.value('wattbus_broker_messages_in_total')).toBe(6);
    expect(after.value('wattbus_broker_clients_connected')).toBe(2);
    expect(after.value('wattbus_broker_acl_denials_total{action="read"}')).toBeGreaterThanOrEqual(3);
    expect(after.text).toContain('wattbus_broker_process_cpu_seconds_total');
  });

  it('slows a flooding client down without slowing the others', async () => {
    const sink = await clients.connect(secured.url, 'sink-worker');
    await sink.subscribeAsync('wattbus/v1/+/+/reading', { qos: 1 });
    const flooder = await clients.connect(secured.url, 'house-12');
    for (let i = 0; i < 200; i++) flooder.publish('wattbus/v1/house-12/main/reading', `flood-${i}`, { qos: 0 });
    const other = await clients.connect(secured.url, 'house-13');
    await other.publishAsync('wattbus/v1/house-13/main/reading', 'meanwhile', { qos: 1 });
    await inbox(sink).has('wattbus/v1/house-13/main/reading meanwhile');
    // At 10 per second after a burst of 10, the 200 need about 19 s.
    expect(inbox(sink).messages.filter((m) => m.includes('flood-')).length).toBeLessThan(200);
    expect(flooder.connected).toBe(true);
    expect((await scrape(secured.metrics)).value('wattbus_broker_throttled_total')).toBeGreaterThan(0);
  });

  it('can disconnect a flooding client instead', async () => {
    const flooder = await clients.connect(strict.url, 'house-12');
    const closed = new Promise<void>((resolve) => flooder.once('close', () => resolve()));
    for (let i = 0; i < 50; i++) flooder.publish('wattbus/v1/house-12/main/reading', `flood-${i}`, { qos: 0 });
    await closed;
    const metrics = await scrape(strict.metrics);
    expect(metrics.value('wattbus_broker_client_errors_total{reason="publish_rate"}')).toBe(1);
  });

  it('refuses new connections from an address over its connection rate', async () => {
    // The previous test used one connection of the burst of 4.
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await clients.attempt(strict.url, clients.options('house-14')));
    expect(results.slice(0, 3)).toEqual(['connected', 'connected', 'connected']);
    expect(results[3]).not.toBe('connected');
    const metrics = await scrape(strict.metrics);
    expect(metrics.value('wattbus_broker_connections_refused_total{reason="connection_rate"}')).toBe(1);
  });

  it('reloads the password file on SIGHUP', async () => {
    const io = {
      stdin: Object.assign(Readable.from(['new-pw\n']), { isTTY: false }) as unknown as NodeJS.ReadStream,
      stdout: new PassThrough(),
      stderr: new PassThrough(),
    };
    expect(await runPasswd([fixture.passwordFile, 'house-15', '--iterations', String(DEFAULT_ITERATIONS)], io)).toBe(0);
    const newcomer = { username: 'house-15', password: 'new-pw' };
    expect(await clients.attempt(secured.url, newcomer)).toBe(5);
    secured.proc.proc.kill('SIGHUP');
    // every user of the fixture, and the newcomer
    await secured.proc.waitForOutput(new RegExp(`"users":${USERS.length + 1}\\b`));
    expect(await clients.attempt(secured.url, newcomer)).toBe('connected');
  });
});

describe('wattbus-broker upgraded over a squatted client id', () => {
  let fixture: Fixture;
  let clients: Clients;
  beforeAll(async () => {
    fixture = await makeFixture();
    clients = new Clients(fixture);
  });
  afterAll(async () => {
    await clients?.closeAll();
    await fixture?.cleanup();
  });

  it("gives the id back to its user, without the squatter's subscriptions", async () => {
    const store = { persistence: { path: join(fixture.dir, 'store') } };
    const auth = { password_file: fixture.passwordFile, acl_file: DEPLOY_ACL };
    // Before ids were reserved, a household made a persistent session under the sink worker's id.
    const before = await broker({ ...store, auth: { ...auth, reserved_client_ids: [] } });
    const squatter = await clients.connect(before.url, 'house-12', { clientId: 'sink-worker', clean: false });
    await squatter.subscribeAsync('wattbus/v1/house-12/#', { qos: 1 });
    await squatter.endAsync();
    await before.proc.stop();

    const after = await broker({ ...store, auth });
    try {
      const sink = await clients.connect(after.url, 'sink-worker', { clientId: 'sink-worker', clean: false });
      expect(sessionPresent(sink)).toBe(false);
      await sink.subscribeAsync('wattbus/v1/+/+/reading', { qos: 1 });
      const agent = await clients.connect(after.url, 'house-12');
      await agent.publishAsync('wattbus/v1/house-12/status', 'not-subscribed', { qos: 1 });
      await agent.publishAsync('wattbus/v1/house-12/main/reading', 'marker', { qos: 1 });
      await inbox(sink).has('wattbus/v1/house-12/main/reading marker');
      expect(inbox(sink).messages).toEqual(['wattbus/v1/house-12/main/reading marker']);
      await logged(after.proc, /"previous_owner":"house-12".*client id taken back from a squatter/);
    } finally {
      await clients.closeAll();
      await after.proc.stop();
    }
  });
});
