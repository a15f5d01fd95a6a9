import { createRequire } from 'node:module';
import mqtt from 'mqtt';
import { expect, it } from 'vitest';
import { MQTTJS_VERSION, missingInternals } from './mqttjs-internals.js';

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
