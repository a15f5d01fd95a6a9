import { freePort, startAedes } from '@wattbus/testkit';
import { pino } from 'pino';
import { expect, it } from 'vitest';
import { BrokerLogin } from './broker-login.js';

it('tells accepted, refused and unreachable apart, from the broker itself; logs each check with no verdict', async () => {
  const lines: Array<Record<string, unknown>> = [];
  const log = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  const aedes = await startAedes({
    authenticate: (_client, username, password, done) => {
      if (username === 'busy') return done(Object.assign(new Error('busy'), { returnCode: 3 }), false);
      const ok = username === 'dash-martin' && password?.toString() === 'right';
      done(ok ? null : Object.assign(new Error('bad'), { returnCode: 4 }), ok);
    },
  });
  try {
    const login = new BrokerLogin({ url: aedes.url, connectTimeoutMs: 2000, log });
    expect(await login.check('dash-martin', 'right')).toBe('ok');
    expect(await login.check('dash-martin', 'wrong')).toBe('refused');
    expect(await login.check('nobody', 'right')).toBe('refused');
    expect(lines).toEqual([]);
    expect(await login.check('busy', 'x')).toBe('unavailable');
  } finally {
    await aedes.stop();
  }
  const url = `mqtt://127.0.0.1:${await freePort()}`;
  const nobodyListens = new BrokerLogin({ url, connectTimeoutMs: 2000, log });
  expect(await nobodyListens.check('dash-martin', 'right')).toBe('unavailable');
  expect(lines.map((l) => [l.msg, l.user, typeof l.reason])).toEqual([
    ['broker login check failed', 'busy', 'string'],
    ['broker login check failed', 'dash-martin', 'string'],
  ]);
  expect(lines[1]?.broker).toBe(url);
});
