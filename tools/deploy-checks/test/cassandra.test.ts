import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CassandraConfigSchema } from '@wattbus/sinks';
import { Ajv } from 'ajv';
import { expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadCompose, splitVolume } from '../src/compose.js';
import { DEPLOY } from '../src/paths.js';

const compose = loadCompose();

it('runs Cassandra so that an acknowledged write survives a crash (commitlog_sync: batch)', () => {
  const cassandra = compose.services.cassandra;
  const command = (cassandra?.command ?? []).join(' ');
  // the image's cassandra.yaml (4.1 and 5.0) says `commitlog_sync: periodic` and `commitlog_sync_period: 10000ms`;
  // batch mode refuses to start while a period is set
  expect(command).toContain("sed -i -e 's/^commitlog_sync: .*/commitlog_sync: batch/' -e '/^commitlog_sync_period/d'");
  expect(command).toMatch(/\/etc\/cassandra\/cassandra\.yaml && exec docker-entrypoint\.sh cassandra -f$/);
  expect(readFileSync(resolve(DEPLOY, 'compose.yaml'), 'utf8')).not.toMatch(/not in packages\/sinks/);
});

it('runs a Cassandra sink worker in the cassandra profile, with its own session and a valid cassandra: sink', () => {
  const worker = compose.services['sink-worker-cassandra'];
  expect(worker?.profiles).toEqual(['cassandra']);
  expect(worker?.depends_on?.cassandra?.condition).toBe('service_healthy');
  const source = splitVolume(worker?.volumes?.[0] ?? '').source;
  const config = parse(readFileSync(resolve(DEPLOY, source), 'utf8'));
  const influxWorker = parse(readFileSync(resolve(DEPLOY, 'docker/config/sink-worker.yaml'), 'utf8'));
  expect(config.consumer.id).not.toBe(influxWorker.consumer.id);
  expect(Object.keys(config.sinks)).toEqual(['cassandra']);
  const validate = new Ajv({ strict: false, useDefaults: true }).compile(CassandraConfigSchema);
  expect(validate(config.sinks.cassandra), JSON.stringify(validate.errors)).toBe(true);
  expect(config.sinks.cassandra.contact_points).toEqual(['cassandra']);
});
