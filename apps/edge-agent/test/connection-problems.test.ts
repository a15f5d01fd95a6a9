import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import {
  freePort,
  makeTestPki,
  type ProcessHandle,
  requireBinary,
  startApp,
  startMosquitto,
  type TempDir,
  tempDir,
  waitFor,
} from '@wattbus/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiskQueue } from '../src/queue/disk-queue.js';

// One mosquitto with a password file and a TLS listener; agents that get something wrong must say what,
// keep retrying and keep queueing.
describe('edge-agent connection problems (mosquitto with auth and TLS)', () => {
  let tmp: TempDir;
  let broker: Awaited<ReturnType<typeof startMosquitto>>;
  let pki: Awaited<ReturnType<typeof makeTestPki>>;
  let otherPki: Awaited<ReturnType<typeof makeTestPki>>;
  let tlsPort: number;

  beforeAll(async () => {
    [tmp, pki, otherPki, tlsPort] = await Promise.all([
      tempDir('wattbus-conn-'),
      makeTestPki(),
      makeTestPki(),
      freePort(),
    ]);
    const passwd = join(tmp.path, 'passwd');
    execFileSync(requireBinary('mosquitto_passwd'), ['-b', '-c', passwd, 'house-1', 'right-password']);
    broker = await startMosquitto({
      extraConfig: [
        'allow_anonymous false',
        `password_file ${passwd}`,
        `listener ${tlsPort} 127.0.0.1`,
        `cafile ${pki.caFile}`,
        `certfile ${pki.server.cert}`,
        `keyfile ${pki.server.key}`,
      ].join('\n'),
    });
  });
  afterAll(async () => {
    await Promise.all([broker?.stop(), pki?.cleanup(), otherPki?.cleanup(), tmp?.cleanup()]);
  });

  async function runAgent(
    name: string,
    mqtt: Record<string, unknown>,
    env: NodeJS.ProcessEnv = {},
  ): Promise<{ agent: ProcessHandle; stateDir: string }> {
    const stateDir = join(tmp.path, name);
    const agent = await startApp(
      'edge-agent',
      {
        site: { id: 'house-1' },
        mqtt: { reconnect_min_ms: 100, reconnect_max_ms: 1000, ...mqtt },
        state_dir: stateDir,
        meters: [{ id: 'main', driver: 'simulated', interval_ms: 200 }],
      },
      { env },
    );
    return { agent, stateDir };
  }

  async function expectRetryingAndQueueing(agent: ProcessHandle, stateDir: string, logLine: RegExp) {
    await waitFor(() => (agent.output().match(/mqtt reconnect-scheduled/g) ?? []).length >= 3, { what: '3 retries' });
    expect(agent.output()).toMatch(logLine);
    expect(await agent.stop()).toBe(0);
    const queue = await DiskQueue.open(join(stateDir, 'queue'), { maxMessages: 1e6, maxAgeMs: 1e12 });
    expect(queue.depth).toBeGreaterThan(0); // every reading made is still queued for later
    expect(queue.depth % 2).toBe(0); // whole polls: consumption and grid
    await queue.close();
  }

  it('wrong password: says so, keeps retrying and queueing', async () => {
    const { agent, stateDir } = await runAgent('bad-password', {
      url: broker.url,
      username: 'house-1',
      password: 'wrong',
    });
    await expectRetryingAndQueueing(
      agent,
      stateDir,
      /"message":"broker refused the connection: (bad username or password|not authorized)"/,
    );
  });

  it('TLS with the wrong CA: says the certificate is not trusted, keeps retrying and queueing', async () => {
    const { agent, stateDir } = await runAgent('bad-ca', {
      url: `mqtts://localhost:${tlsPort}`,
      username: 'house-1',
      password: 'right-password',
      ca: otherPki.caFile,
    });
    await expectRetryingAndQueueing(
      agent,
      stateDir,
      /"message":"TLS: the broker's certificate is not signed by a trusted CA \(check mqtt\.ca\)/,
    );
  });

  it('TLS with the right CA, and the password from the environment: connects', async () => {
    const { agent } = await runAgent(
      'good',
      {
        url: `mqtts://localhost:${tlsPort}`,
        username: 'house-1',
        password: '${WATTBUS_MQTT_PASSWORD}',
        ca: pki.caFile,
      },
      { WATTBUS_MQTT_PASSWORD: 'right-password' },
    );
    await waitFor(() => /"type":"connect"/.test(agent.output()), { what: 'a TLS connection' });
    expect(await agent.stop()).toBe(0);
  });
});
