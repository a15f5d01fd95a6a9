import { join } from 'node:path';
import { freePort, type ProcessHandle, REPO_ROOT, startApp, type TempDir, tempDir } from '@wattbus/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePasswordFile } from './helpers.js';
import { postLogin } from './raw-http.js';

/**
 * Login throttling against the real broker app (mosquitto_passwd password file, the deployed ACL), counting
 * what reaches the broker with its own metrics: every wrong password the portal checks is one refused
 * CONNECT there. Clients come from distinct loopback addresses (127.0.0.0/8); 127.0.0.1 is the trusted proxy.
 */

const USERS = ['dash-martin', 'dash-lena'];
let tmp: TempDir;
let passwords: Record<string, string>;
let broker: ProcessHandle;
let mqttUrl: string;
let metricsUrl: string;

async function brokerCounter(name: string): Promise<number> {
  const text = await (await fetch(metricsUrl)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    const match = /^(\w+)(?:\{[^}]*\})? (\S+)$/.exec(line);
    if (match?.[1] === name) sum += Number(match[2]);
  }
  return sum;
}
/** Wrong passwords the broker was asked about so far. */
const refusedConnects = () => brokerCounter('wattbus_broker_auth_failures_total');
/** Connections the broker refused for going over its connection rate (the portal's are all from one address). */
const rateRefusals = () => brokerCounter('wattbus_broker_connections_refused_total');

async function startPortal(login: object): Promise<{ port: number; proc: ProcessHandle }> {
  const port = await freePort();
  const proc = await startApp('portal', {
    listen: { host: '127.0.0.1', port },
    broker: { url: mqttUrl, ws_url: 'ws://127.0.0.1:1/mqtt' },
    acl_file: join(REPO_ROOT, 'deploy/mosquitto/acl'),
    influx: { url: `http://127.0.0.1:${await freePort()}`, database: 'wattbus' },
    groups: [{ id: 'all', caption: 'All', sites: ['house-12', 'house-14'] }],
    session: { secure_cookie: false },
    login: { failure_delay_ms: 0, trusted_proxies: ['127.0.0.1'], ...login },
  });
  return { port, proc };
}

const count = (statuses: number[]) => {
  const counts: Record<number, number> = {};
  for (const s of statuses) counts[s] = (counts[s] ?? 0) + 1;
  return counts;
};

beforeAll(async () => {
  tmp = await tempDir('wattbus-portal-throttle-');
  passwords = await makePasswordFile(tmp.path, USERS);
  const [tcp, metrics] = [await freePort(), await freePort()];
  mqttUrl = `mqtt://127.0.0.1:${tcp}`;
  metricsUrl = `http://127.0.0.1:${metrics}/metrics`;
  broker = await startApp('broker', {
    listeners: { tcp: { host: '127.0.0.1', port: tcp } },
    auth: {
      allow_anonymous: false,
      password_file: join(tmp.path, 'passwd'),
      acl_file: join(REPO_ROOT, 'deploy/mosquitto/acl'),
    },
    // Small enough that a flood of logins passed straight through would use it up.
    limits: { connection_rate: { per_second: 1, burst: 100 } },
    metrics: { host: '127.0.0.1', port: metrics },
  });
}, 60_000);

afterAll(async () => {
  await broker?.stop();
  await tmp?.cleanup();
});

describe('per (user, address) and per address', () => {
  let portal: { port: number; proc: ProcessHandle };
  const right = (username: string) => ({ username, password: passwords[username] as string });
  const wrong = (username: string) => ({ username, password: 'wrong' });
  /** Tries `n` logins at once, returns the statuses and the broker CONNECTs they made. */
  async function flood(n: number, attempt: (i: number) => Promise<number>) {
    const before = await refusedConnects();
    const statuses = await Promise.all(Array.from({ length: n }, (_, i) => attempt(i)));
    return { statuses: count(statuses), connects: (await refusedConnects()) - before };
  }

  beforeAll(async () => {
    // The budget of broker checks (60 at once, 1/s) is under the broker's (100, 1/s), and larger than what
    // these tests use together: every count below is the throttle's alone.
    portal = await startPortal({
      max_failures: 5,
      max_address_failures: 10,
      lockout_s: 600,
      broker_checks: { concurrency: 4, per_second: 1, burst: 60, queue: 400 },
    });
  }, 60_000);

  afterAll(async () => {
    await portal?.proc.stop();
  });

  it('40 concurrent wrong logins of one user from one address reach the broker exactly 5 times', async () => {
    const result = await flood(40, () => postLogin(portal.port, wrong('dash-lena'), { localAddress: '127.0.0.3' }));
    expect(result).toEqual({ statuses: { 401: 5, 429: 35 }, connects: 5 });
  });

  it('an attacker hammering a username from elsewhere does not lock the household out at home', async () => {
    const before = await refusedConnects();
    const [attack, household] = await Promise.all([
      Promise.all(
        Array.from({ length: 30 }, () => postLogin(portal.port, wrong('dash-martin'), { localAddress: '127.0.0.4' })),
      ),
      postLogin(portal.port, right('dash-martin'), { localAddress: '127.0.0.2' }),
    ]);
    expect(household).toBe(200);
    expect(count(attack)).toEqual({ 401: 5, 429: 25 });
    expect((await refusedConnects()) - before).toBe(5);
    // The attacker's pair stays locked, even with the right password, without asking the broker.
    expect(await postLogin(portal.port, right('dash-martin'), { localAddress: '127.0.0.4' })).toBe(429);
    expect((await refusedConnects()) - before).toBe(5);
  });

  it('X-Forwarded-For from a peer that is not a trusted proxy is ignored: rotating it sprays nothing', async () => {
    const result = await flood(120, (i) =>
      postLogin(portal.port, wrong(`spray-${i}`), { localAddress: '127.0.0.5', forwardedFor: `203.0.113.${i}` }),
    );
    expect(result).toEqual({ statuses: { 401: 10, 429: 110 }, connects: 10 });
  });

  it("through the trusted proxy, the client is the proxy's last entry, whatever the client wrote before it", async () => {
    const result = await flood(120, (i) =>
      postLogin(portal.port, wrong(`spray-${i}`), {
        localAddress: '127.0.0.1',
        forwardedFor: `203.0.113.${i}, 198.51.100.7`,
      }),
    );
    expect(result).toEqual({ statuses: { 401: 10, 429: 110 }, connects: 10 });
    // Another client behind the same proxy is counted on its own.
    expect(
      await postLogin(portal.port, right('dash-lena'), { localAddress: '127.0.0.1', forwardedFor: '198.51.100.8' }),
    ).toBe(200);
  });

  it("a 300-login flood never uses up the broker's connection rate: a real login right after it works", async () => {
    const result = await flood(300, (i) => postLogin(portal.port, wrong(`flood-${i}`), { localAddress: '127.0.0.6' }));
    expect(result).toEqual({ statuses: { 401: 10, 429: 290 }, connects: 10 });
    expect(await postLogin(portal.port, right('dash-martin'), { localAddress: '127.0.0.7' })).toBe(200);
    expect(await rateRefusals()).toBe(0);
    // The lockout is one log line, not one per refused attempt.
    await portal.proc.waitForOutput(/"address":"127\.0\.0\.6".*"login locked out"/);
    const lockouts = portal.proc
      .output()
      .split('\n')
      .filter((line) => line.includes('"msg":"login locked out"') && line.includes('"address":"127.0.0.6"'))
      .map((line) => JSON.parse(line) as { key: string; wait_s: number });
    expect(lockouts).toMatchObject([{ key: 'address', wait_s: 600 }]);
  });
});

describe('the global budget of broker checks', () => {
  it('lets through exactly its burst of a flood from many addresses, answers the rest 503, logs once', async () => {
    const portal = await startPortal({
      max_failures: 1000,
      max_address_failures: 1000,
      // One check per 100 s after the burst: within this test, the burst is all there is.
      broker_checks: { concurrency: 8, per_second: 0.01, burst: 8, queue: 0 },
    });
    try {
      const before = await refusedConnects();
      const statuses = await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          postLogin(
            portal.port,
            { username: `bot-${i}`, password: 'x' },
            {
              localAddress: '127.0.0.1',
              forwardedFor: `198.51.100.${i}`,
            },
          ),
        ),
      );
      expect(count(statuses)).toEqual({ 401: 8, 503: 92 });
      expect((await refusedConnects()) - before).toBe(8);
      expect(await rateRefusals()).toBe(0);
      await portal.proc.waitForOutput(/too many logins at once/);
      expect(portal.proc.output().match(/too many logins at once/g)).toHaveLength(1);
    } finally {
      await portal.proc.stop();
    }
  });
});
