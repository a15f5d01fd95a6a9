import { freePort, startAedes } from '@wattbus/testkit';
import { expect, it } from 'vitest';
import { BrokerLogin } from './broker-login.js';

it('tells accepted, refused and unreachable apart, from the broker itself', async () => {
  const aedes = await startAedes({
    authenticate: (_client, username, password, done) => {
      const ok = username === 'dash-martin' && password?.toString() === 'right';
      done(ok ? null : Object.assign(new Error('bad'), { returnCode: 4 }), ok);
    },
  });
  try {
    const login = new BrokerLogin({ url: aedes.url, connectTimeoutMs: 2000 });
    expect(await login.check('dash-martin', 'right')).toBe('ok');
    expect(await login.check('dash-martin', 'wrong')).toBe('refused');
    expect(await login.check('nobody', 'right')).toBe('refused');
  } finally {
    await aedes.stop();
  }
  const nobodyListens = new BrokerLogin({ url: `mqtt://127.0.0.1:${await freePort()}`, connectTimeoutMs: 2000 });
  expect(await nobodyListens.check('dash-martin', 'right')).toBe('unavailable');
});
