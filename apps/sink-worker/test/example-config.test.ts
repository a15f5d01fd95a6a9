import { join } from 'node:path';
import { loadConfig } from '@wattbus/config';
import { REPO_ROOT } from '@wattbus/testkit';
import { expect, it } from 'vitest';
import { SinkWorkerConfigSchema } from '../src/config.js';

it('deploy/examples/sink-worker.yaml is valid, with defaults applied', () => {
  const config = loadConfig(join(REPO_ROOT, 'deploy/examples/sink-worker.yaml'), SinkWorkerConfigSchema, {
    env: { WATTBUS_MQTT_PASSWORD: 'secret' },
  });
  expect(config.mqtt).toMatchObject({ password: 'secret', protocol_version: 4, reject_unauthorized: true });
  expect(config.sinks).toEqual({
    file: { dir: '/var/lib/wattbus/readings', formats: ['jsonl', 'csv'], fsync: true },
    influx: {
      url: 'http://127.0.0.1:8086',
      database: 'wattbus',
      create_database: true,
      timeout_ms: 10_000,
      site_tags: ['city', 'postcode'],
    },
  });
  expect(config.max_payload_bytes).toBe(65_536);
});
