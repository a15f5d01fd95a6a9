import { freePort, startApp } from '@wattbus/testkit';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

async function broker(allowAnonymous: boolean) {
  const port = await freePort();
  const proc = await startApp('broker', {
    listeners: { tcp: { host: '127.0.0.1', port } },
    auth: { allow_anonymous: allowAnonymous },
  });
  return { url: `mqtt://127.0.0.1:${port}`, proc };
}

describe('wattbus-broker (Aedes over TCP)', () => {
  let open: Awaited<ReturnType<typeof broker>>;
  let closed: Awaited<ReturnType<typeof broker>>;
  beforeAll(async () => {
    [open, closed] = await Promise.all([broker(true), broker(false)]);
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
    await new Promise((r) => setTimeout(r, 200));
    expect(got).toEqual([
      ['wattbus/v1/house-1/status', '{"retained":true}', true],
      ['wattbus/v1/house-1/main/reading', 'live', false],
    ]);
    await Promise.all([pub.endAsync(), sub.endAsync()]);
  });

  it('refuses clients when anonymous access is off', async () => {
    const error = await mqtt
      .connectAsync(closed.url, { clientId: 'anon', reconnectPeriod: 0 })
      .then(() => undefined)
      .catch((e: Error & { code?: number }) => e);
    expect(error).toMatchObject({ code: 5 });
    expect(closed.proc.output()).toMatch(/connection refused: authentication required/);
  });

  it('exits 2 naming the key when the config is invalid', async () => {
    const bad = await startApp('broker', { listeners: { tcp: { prot: 1883 } } }, { readyWhen: null });
    expect(await bad.exited).toBe(2);
    expect(bad.output()).toMatch(/listeners\.tcp\.prot: unknown key \(did you mean "port"\?\)/);
  });
});
