import { freePort, startMosquitto, waitFor } from '@wattbus/testkit';
import { expect, it } from 'vitest';
import { connectMqtt, type MqttEvent } from './connect.js';
import { MqttConnectionSchema } from './connection-schema.js';

const conn = (url: string) => ({
  url,
  reject_unauthorized: true,
  protocol_version: 4 as const,
  keepalive_s: 30,
  reconnect_min_ms: 100,
  reconnect_max_ms: 400,
});

it('retries an unreachable broker with growing, bounded delays, then connects when it comes up', async () => {
  expect(MqttConnectionSchema.properties.reconnect_min_ms.default).toBe(1000);
  const port = await freePort();
  const events: MqttEvent[] = [];
  const client = connectMqtt(conn(`mqtt://127.0.0.1:${port}`), {
    clientId: 'retry-test',
    onEvent: (e) => events.push(e),
  });
  let attempts = 0;
  client.on('reconnect', () => attempts++);
  await waitFor(() => attempts >= 4, { what: '4 reconnect attempts' });

  const scheduled = events.filter((e) => e.type === 'reconnect-scheduled');
  expect(scheduled.map((e) => e.attempt).slice(0, 4)).toEqual([1, 2, 3, 4]);
  for (const e of scheduled) expect(e.delayMs).toBeGreaterThanOrEqual(100);
  for (const e of scheduled) expect(e.delayMs).toBeLessThanOrEqual(400);
  expect(events.some((e) => e.type === 'error' && /connection refused/.test(e.message))).toBe(true);

  const broker = await startMosquitto({ port });
  await waitFor(() => client.connected, { what: 'connection once the broker is up' });
  expect(events.at(-1)).toEqual({ type: 'connect', url: `mqtt://127.0.0.1:${port}`, sessionPresent: false });
  await client.endAsync();
  await broker.stop();
});
