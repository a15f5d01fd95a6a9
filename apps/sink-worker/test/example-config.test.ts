import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Type } from '@sinclair/typebox';
import { loadConfig, parseConfig, validateSection } from '@wattbus/config';
import { sinks } from '@wattbus/sinks';
import { everyEnvVar, REPO_ROOT } from '@wattbus/testkit';
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

it('each sink section of deploy/examples/sink-worker.yaml is valid for its sink and sets only keys its sample.yaml shows', () => {
  const file = join(REPO_ROOT, 'deploy/examples/sink-worker.yaml');
  const example = parseConfig(readFileSync(file, 'utf8'), Type.Unknown(), { env: everyEnvVar }) as {
    sinks: Record<string, object>;
  };
  expect(Object.keys(example.sinks)).toEqual(['file', 'influx']);
  for (const [name, section] of Object.entries(example.sinks)) {
    const sink = sinks[name];
    if (!sink) throw new Error(`sinks.${name}: no such sink`);
    const path = `sinks.${name}`;
    expect(() => validateSection(structuredClone(section), sink.configSchema, { file, path }), path).not.toThrow();
    const sample = join(REPO_ROOT, 'packages/sinks/src', name, 'sample.yaml');
    const shown = Object.keys(
      parseConfig(readFileSync(sample, 'utf8'), Type.Unknown(), { env: everyEnvVar }) as object,
    );
    expect(
      Object.keys(section).filter((k) => !shown.includes(k)),
      `${path}: keys its sample.yaml does not show`,
    ).toEqual([]);
  }
});
