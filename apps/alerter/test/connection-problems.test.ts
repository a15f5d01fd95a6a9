import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import {
  freePort,
  type ProcessHandle,
  requireBinary,
  startApp,
  startMosquitto,
  type TempDir,
  tempDir,
  waitFor,
} from '@wattbus/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface LogLine {
  level: number;
  msg: string;
  connection?: string;
  type?: string;
  message?: string;
}

/** Every line the alerter printed, each of which must be one JSON object. */
const lines = (alerter: ProcessHandle): LogLine[] =>
  alerter
    .output()
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as LogLine);

const ERROR = 50;
const WARN = 40;

// A mosquitto with a password file: each of the alerter's two connections must say what goes wrong, and retry.
describe('alerter connection problems (mosquitto with a password file)', () => {
  let tmp: TempDir;
  let broker: Awaited<ReturnType<typeof startMosquitto>>;
  let alerter: ProcessHandle | undefined;

  beforeAll(async () => {
    tmp = await tempDir('wattbus-alerter-conn-');
    const passwd = join(tmp.path, 'passwd');
    execFileSync(requireBinary('mosquitto_passwd'), ['-b', '-c', passwd, 'alerter', 'right-password']);
    broker = await startMosquitto({ extraConfig: ['allow_anonymous false', `password_file ${passwd}`].join('\n') });
  });
  afterAll(async () => {
    await alerter?.stop();
    await Promise.all([broker?.stop(), tmp?.cleanup()]);
  });

  const run = (mqtt: Record<string, unknown>, readyWhen: RegExp | null = null) =>
    startApp('alerter', { mqtt: { reconnect_min_ms: 100, reconnect_max_ms: 1000, ...mqtt } }, { readyWhen });
  const retries = (a: ProcessHandle, connection: string) =>
    lines(a).filter((l) => l.connection === connection && l.type === 'reconnect-scheduled');

  it('wrong password: one error line per refusal and one line per retry, then stops at once', async () => {
    alerter = await run({ url: broker.url, username: 'alerter', password: 'wrong' });
    await waitFor(() => retries(alerter as ProcessHandle, 'state').length >= 3, { what: '3 retries' });
    const refusals = lines(alerter).filter((l) => l.connection === 'state' && l.type === 'error');
    expect(refusals.length).toBeGreaterThanOrEqual(3);
    for (const l of refusals) {
      expect(l.level).toBe(ERROR);
      expect(l.message).toMatch(/^broker refused the connection: (bad username or password|not authorized)$/);
      expect(l.msg).toBe(`mqtt state: ${l.message}`);
    }
    expect(
      retries(alerter, 'state').every((l) => l.level === WARN && /^mqtt state: reconnecting in \d+ ms/.test(l.msg)),
    ).toBe(true);
    expect(await alerter.stop()).toBe(0);
    alerter = undefined;
  });

  it('unreachable broker: says so and retries', async () => {
    alerter = await run({ url: `mqtt://127.0.0.1:${await freePort()}` });
    await waitFor(() => retries(alerter as ProcessHandle, 'state').length >= 3, { what: '3 retries' });
    const errors = lines(alerter).filter((l) => l.connection === 'state' && l.type === 'error');
    expect(errors[0]?.message).toMatch(/^broker unreachable \(connection refused\): /);
    expect(await alerter.stop()).toBe(0);
    alerter = undefined;
  });

  it('a broker outage: both connections log going offline, each retry, and coming back', async () => {
    alerter = await run({ url: broker.url, username: 'alerter', password: 'right-password' }, /"msg":"subscribed"/);
    const connected = (c: string) => lines(alerter as ProcessHandle).filter((l) => l.msg === `mqtt ${c}: connected`);
    expect(connected('state')).toHaveLength(1);
    expect(connected('readings')).toHaveLength(1);

    await broker.process().stop('SIGTERM');
    await waitFor(
      () =>
        retries(alerter as ProcessHandle, 'readings').length >= 2 &&
        retries(alerter as ProcessHandle, 'state').length >= 2,
      {
        what: 'both connections retrying',
      },
    );
    for (const c of ['state', 'readings']) {
      expect(
        lines(alerter).some((l) => l.msg === `mqtt ${c}: offline` && l.level === WARN),
        c,
      ).toBe(true);
      expect(
        lines(alerter).some((l) => l.connection === c && /^broker unreachable/.test(l.message ?? '')),
        c,
      ).toBe(true);
    }
    await broker.restart();
    await waitFor(() => connected('state').length === 2 && connected('readings').length === 2, {
      what: 'both connections back',
    });
    expect(await alerter.stop()).toBe(0);
    alerter = undefined;
  });
});
