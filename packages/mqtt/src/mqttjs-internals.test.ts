import { createRequire } from 'node:module';
import { type AddressInfo, createServer } from 'node:net';
import mqtt from 'mqtt';
import { expect, it } from 'vitest';
import { beforeEachConnectionAttempt, MQTTJS_VERSION, missingInternals } from './mqttjs-internals.js';

// An mqtt.js upgrade must be a decision: these fail until mqttjs-internals.ts is checked against the new version
// (manual-acks.test.ts then proves the PUBACK handling against a real broker).
it('runs on the exact mqtt.js version the internals were checked against', () => {
  const installed = (createRequire(import.meta.url)('mqtt/package.json') as { version: string }).version;
  expect(installed).toBe(MQTTJS_VERSION);
});

it('finds every private member it uses on a real client', () => {
  const client = mqtt.connect('mqtt://127.0.0.1:1', { manualConnect: true });
  expect(missingInternals(client)).toEqual([]);
});

it('sends a connection attempt where the options say just before its stream is built', async () => {
  const server = createServer((socket) => socket.destroy());
  const arrived = new Promise<void>((resolve) => server.once('connection', () => resolve()));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const client = mqtt.connect('mqtt://127.0.0.1:1', { manualConnect: true, reconnectPeriod: 0 });
  let prepared = 0;
  beforeEachConnectionAttempt(client, () => {
    prepared++;
    client.options.port = port;
  });
  client.connect();
  await arrived;
  expect(prepared).toBe(1);
  await client.endAsync(true);
  await new Promise((resolve) => server.close(resolve));
});
