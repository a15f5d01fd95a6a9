import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from './free-port.js';
import { type MosquittoHandle, startMosquitto } from './mosquitto.js';
import { startProcess } from './process.js';
import { requireBinary } from './require-binary.js';

const run = promisify(execFile);
const pub = requireBinary('mosquitto_pub');
const sub = requireBinary('mosquitto_sub');

let broker: MosquittoHandle | undefined;
afterEach(async () => {
  await broker?.stop();
  broker = undefined;
});

/**
 * Subscribes with `mosquitto_sub -C 1` and resolves with the single message it printed.
 * mosquitto_sub's stdout is block-buffered in a pipe, so we cannot see when it has subscribed;
 * instead `publish` is repeated every 250ms until the subscriber got one and exited.
 */
async function receiveOne(port: number, topic: string, publish?: () => Promise<unknown>): Promise<string> {
  const args = ['-h', '127.0.0.1', '-p', String(port), '-t', topic, '-C', '1', '-W', '10', '-q', '1'];
  const s = await startProcess(sub, args);
  let done = false;
  void s.exited.then(() => {
    done = true;
  });
  while (publish && !done) {
    await publish();
    await Promise.race([s.exited, new Promise((r) => setTimeout(r, 250))]);
  }
  const code = await s.exited;
  expect(code, s.output()).toBe(0);
  return s.output().trimEnd();
}

describe('startMosquitto', () => {
  it('runs a broker that delivers a published message to a subscriber', async () => {
    broker = await startMosquitto();
    expect(broker.url).toBe(`mqtt://127.0.0.1:${broker.port}`);
    expect(readFileSync(broker.configPath, 'utf8')).toContain(`listener ${broker.port} 127.0.0.1`);

    const payload = JSON.stringify({ w: 1234.5, at: Date.now() });
    const received = await receiveOne(broker.port, 'wattbus/test/power', () =>
      run(pub, ['-h', '127.0.0.1', '-p', String(broker?.port), '-t', 'wattbus/test/power', '-q', '1', '-m', payload]),
    );
    expect(received).toBe(payload);
    expect(broker.output()).toMatch(/New client connected/);
  });

  it('keeps retained messages across restart() (persistence is saved on SIGTERM)', async () => {
    broker = await startMosquitto();
    const { port, dir } = broker;
    await run(pub, ['-h', '127.0.0.1', '-p', String(port), '-t', 'wattbus/retained', '-r', '-q', '1', '-m', 'kept-42']);

    await broker.restart();
    expect(broker.port).toBe(port);
    expect(existsSync(`${dir}/mosquitto.db`)).toBe(true);
    expect(broker.output()).toMatch(/Opening ipv4 listen socket on port \d+/);
    expect(await receiveOne(port, 'wattbus/retained')).toBe('kept-42');
  });

  it('appends extraConfig, so later settings win', async () => {
    broker = await startMosquitto({ extraConfig: 'allow_anonymous false' });
    const err = await run(pub, ['-h', '127.0.0.1', '-p', String(broker.port), '-t', 'x', '-m', 'y']).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(err).toMatchObject({ code: expect.any(Number) });
    expect((err as { stderr: string }).stderr).toMatch(/not authori[sz]ed/i);
  });

  it('kill9() crashes the broker and restart() brings it back on the same port', async () => {
    broker = await startMosquitto();
    await broker.kill9();
    expect(broker.process().proc.signalCode).toBe('SIGKILL');
    await expect(run(pub, ['-h', '127.0.0.1', '-p', String(broker.port), '-t', 'x', '-m', 'y'])).rejects.toThrow();
    await broker.restart();
    const received = await receiveOne(broker.port, 'after/crash', () =>
      run(pub, ['-h', '127.0.0.1', '-p', String(broker?.port), '-t', 'after/crash', '-q', '1', '-m', 'back']),
    );
    expect(received).toBe('back');
  });

  it('fails with the broker log when the config is invalid', async () => {
    await expect(startMosquitto({ extraConfig: 'this_is_not_an_option 1' })).rejects.toThrow(
      /exited \(code \d+\) before becoming ready[\s\S]*this_is_not_an_option/,
    );
  });
});

describe('startMosquitto with an explicit port', () => {
  it('listens on the requested port, and fails clearly when it is taken', async () => {
    const port = await freePort();
    broker = await startMosquitto({ port });
    expect(broker.port).toBe(port);
    expect(broker.url).toBe(`mqtt://127.0.0.1:${port}`);
    await expect(startMosquitto({ port })).rejects.toThrow(/before becoming ready[\s\S]*Address already in use/);
  });
});
