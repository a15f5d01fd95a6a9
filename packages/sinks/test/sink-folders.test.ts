import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseConfig } from '@wattbus/config';
import { everyEnvVar, resourcesStarted } from '@wattbus/testkit';
import { describe, expect, it } from 'vitest';
import { sinks } from '../src/registry.js';
import { NO_SITE_INFO } from '../src/sink.js';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));
const sampleOf = (name: string) => readFileSync(join(SRC, name, 'sample.yaml'), 'utf8');

it('each folder with a sample.yaml is one sink in the registry, and each sink has its folder', () => {
  const folders = readdirSync(SRC, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(SRC, d.name, 'sample.yaml')))
    .map((d) => d.name);
  expect(folders.sort()).toEqual(Object.keys(sinks).sort());
});

describe.each(Object.values(sinks))('the $name sink', (sink) => {
  it('has a sample.yaml valid against its config schema', () => {
    expect(() => parseConfig(sampleOf(sink.name), sink.configSchema, { env: everyEnvVar })).not.toThrow();
  });

  it('has a README.md naming every key of its config', () => {
    const readme = readFileSync(join(SRC, sink.name, 'README.md'), 'utf8');
    const keys = Object.keys((sink.configSchema as { properties?: object }).properties ?? {});
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.filter((k) => !readme.includes(`\`${k}\``))).toEqual([]);
  });

  it('is created from its sample without I/O (open connects)', async () => {
    const config = parseConfig(sampleOf(sink.name), sink.configSchema, { env: everyEnvVar });
    expect(await resourcesStarted(() => sink.create(config, NO_SITE_INFO))).toEqual([]);
  });
});
