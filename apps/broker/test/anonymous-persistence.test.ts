import { join } from 'node:path';
import { freePort, startApp, tempDir } from '@wattbus/testkit';
import mqtt from 'mqtt';
import { expect, it } from 'vitest';

// The demo and the tests run the broker with anonymous access; an anonymous session's owner is null,
// which LevelDB cannot store as such. Its queued messages must survive a restart like anyone's.
it('keeps an anonymous persistent session and its queued QoS1 message across a restart', async () => {
  const [port, data] = await Promise.all([freePort(), tempDir('wattbus-anon-')]);
  const config = {
    listeners: { tcp: { host: '127.0.0.1', port } },
    auth: { allow_anonymous: true },
    persistence: { path: join(data.path, 'db') },
  };
  const url = `mqtt://127.0.0.1:${port}`;
  let broker = await startApp('broker', config);
  const consumer = await mqtt.connectAsync(url, { clientId: 'anon-consumer', clean: false, reconnectPeriod: 0 });
  await consumer.subscribeAsync('wattbus/#', { qos: 1 });
  await consumer.endAsync();
  const publisher = await mqtt.connectAsync(url, { clientId: 'anon-publisher', reconnectPeriod: 0 });
  await publisher.publishAsync('wattbus/v1/house-1/main/reading', 'queued while away', { qos: 1 });
  await publisher.endAsync();

  expect(await broker.stop()).toBe(0);
  broker = await startApp('broker', config);
  const back = mqtt.connect(url, { clientId: 'anon-consumer', clean: false, reconnectPeriod: 0 });
  const message = await new Promise<string>((resolve, reject) => {
    back.on('message', (_t, p) => resolve(p.toString()));
    back.on('error', reject);
  });
  expect(message).toBe('queued while away');
  await back.endAsync();
  await broker.stop();
  await data.cleanup();
});
