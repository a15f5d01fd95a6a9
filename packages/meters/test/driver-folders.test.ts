import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Type } from '@sinclair/typebox';
import { loadConfig, parseConfig, validateSection } from '@wattbus/config';
import { REPO_ROOT } from '@wattbus/testkit';
import { describe, expect, it } from 'vitest';
import { drivers } from '../src/registry.js';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));
const EXAMPLES = join(REPO_ROOT, 'deploy/examples');
/** Every `${VAR}` of a sample or an example set, as in an operator's environment. */
const anyEnv = new Proxy({}, { get: (_, name) => `value-of-${String(name)}` });
const sampleOf = (driver: string) => readFileSync(join(SRC, driver, 'sample.yaml'), 'utf8');

/** Every key a config schema defines, at any depth and in every branch (Modbus RTU and TCP). */
function schemaKeys(schema: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(schema)) for (const s of schema) schemaKeys(s, into);
  else if (schema && typeof schema === 'object') {
    const properties = (schema as { properties?: object }).properties;
    for (const key of Object.keys(properties ?? {})) into.add(key);
    for (const value of Object.values(schema)) schemaKeys(value, into);
  }
  return into;
}

/** The keys of a config value at any depth; record keys chosen by the user (channel_names: { main: … }) included. */
function configKeys(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) configKeys(v, into);
  else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      into.add(key);
      configKeys(v, into);
    }
  }
  return into;
}

/** The keys a sample shows, set or in a comment (`# host: …`). */
const shownKeys = (sample: string) => new Set([...sample.matchAll(/([a-z_][a-z0-9_]*):/g)].map((m) => m[1]));

const LooseAgentSchema = Type.Object({
  meters: Type.Array(Type.Object({ id: Type.String(), driver: Type.String(), config: Type.Optional(Type.Unknown()) })),
});
const exampleMeters = readdirSync(EXAMPLES)
  .filter((f) => /^agent.*\.yaml$/.test(f))
  .flatMap((file) =>
    loadConfig(join(EXAMPLES, file), LooseAgentSchema, { env: anyEnv }).meters.map((meter, i) => ({
      file,
      at: `meters[${i}]`,
      ...meter,
    })),
  );

it('each folder with a sample.yaml is one driver in the registry, and each driver has its folder', () => {
  const folders = readdirSync(SRC, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(SRC, d.name, 'sample.yaml')))
    .map((d) => d.name);
  expect(folders.sort()).toEqual(Object.keys(drivers).sort());
});

describe.each(Object.values(drivers))('the $name driver', (driver) => {
  it('has a sample.yaml valid against its config schema', () => {
    expect(() => parseConfig(sampleOf(driver.name), driver.configSchema, { env: anyEnv })).not.toThrow();
  });

  it('has a sample.yaml showing every key of its config', () => {
    const shown = shownKeys(sampleOf(driver.name));
    expect([...schemaKeys(driver.configSchema)].filter((k) => !shown.has(k))).toEqual([]);
  });

  it('has a README.md naming every key of its config', () => {
    const readme = readFileSync(join(SRC, driver.name, 'README.md'), 'utf8');
    const keys = [...schemaKeys(driver.configSchema)];
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.filter((k) => !readme.includes(`\`${k}\``))).toEqual([]);
  });
});

describe.each(exampleMeters)('deploy/examples/$file $at ($driver)', (meter) => {
  it('is valid against its driver config schema', () => {
    const driver = drivers[meter.driver];
    expect(driver, `unknown driver ${meter.driver}`).toBeDefined();
    expect(() =>
      validateSection(structuredClone(meter.config ?? {}), driver?.configSchema ?? Type.Never(), {
        file: meter.file,
        path: `${meter.at}.config`,
      }),
    ).not.toThrow();
  });

  it("uses only keys its driver's sample.yaml shows", () => {
    const defined = schemaKeys(drivers[meter.driver]?.configSchema);
    const shown = shownKeys(sampleOf(meter.driver));
    const used = [...configKeys(meter.config)].filter((k) => defined.has(k));
    expect(used.filter((k) => !shown.has(k))).toEqual([]);
  });
});
