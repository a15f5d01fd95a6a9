import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type TObject, type TSchema, Type } from '@sinclair/typebox';
import { parseConfig } from '@wattbus/config';
import type { Plugin } from '@wattbus/config/plugin';
import { everyEnvVar, resourcesStarted } from '@wattbus/testkit';
import { describe, expect, it } from 'vitest';

/** A plugin's folder under `dir`: its name with `-` for `_` (the `pv_night` rule lives in `rules/pv-night/`). */
export const folderOf = (dir: string, name: string) => join(dir, name.replaceAll('_', '-'));

/** The config in a plugin's sample.yaml, validated against its schema, defaults applied. */
export function sampleConfig(dir: string, plugin: Plugin): unknown {
  const file = join(folderOf(dir, plugin.name), 'sample.yaml');
  return parseConfig(readFileSync(file, 'utf8'), plugin.configSchema, { source: file, env: everyEnvVar });
}

/** The keys a plugin's sample.yaml sets itself (not through defaults). */
export function sampleKeys(dir: string, plugin: Plugin): string[] {
  const file = join(folderOf(dir, plugin.name), 'sample.yaml');
  return Object.keys(
    parseConfig(readFileSync(file, 'utf8'), Type.Unknown(), { source: file, env: everyEnvVar }) as object,
  );
}

const properties = (schema: TSchema) => (schema as TObject).properties ?? {};

/** The keys a config must give because its schema has no default for them (from the sample, which gives them). */
function withoutDefaultedKeys(schema: TSchema, sample: Record<string, unknown>): Record<string, unknown> {
  const required = new Set((schema as TObject).required ?? []);
  return Object.fromEntries(
    Object.entries(sample).filter(([k]) => required.has(k) && properties(schema)[k]?.default === undefined),
  );
}

/**
 * What every plugin of one kind (the alerter's rules, its notifiers) must be and do: one folder each under `dir`, with
 * a sample.yaml valid against its schema and a README.md naming every key; defaults that make a valid config of the
 * keys without one; a create() that starts no I/O (`dispose` then ends what it made); unique names.
 */
export function pluginConformance<P extends Plugin>(
  kind: string,
  dir: string,
  registry: Readonly<Record<string, P>>,
  context: (plugin: P) => unknown,
  dispose: (instance: unknown) => Promise<void> = async () => {},
): void {
  describe(`${kind} plugins (shared conformance)`, () => {
    it('have unique names, each the key it is registered under, and one folder with a sample.yaml each', () => {
      const plugins = Object.values(registry);
      expect(new Set(plugins.map((p) => p.name)).size).toBe(plugins.length);
      expect(Object.keys(registry)).toEqual(plugins.map((p) => p.name));
      const folders = readdirSync(dir, { withFileTypes: true })
        .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, 'sample.yaml')))
        .map((d) => d.name);
      expect(folders.sort()).toEqual(plugins.map((p) => folderOf('', p.name)).sort());
    });

    describe.each(Object.values(registry))('$name', (plugin) => {
      it('has a sample.yaml valid against its config schema', () => {
        expect(() => sampleConfig(dir, plugin)).not.toThrow();
      });

      it('has a README.md naming every key of its config', () => {
        const readme = readFileSync(join(folderOf(dir, plugin.name), 'README.md'), 'utf8');
        const keys = Object.keys(properties(plugin.configSchema));
        expect(keys.length).toBeGreaterThan(0);
        expect(keys.filter((k) => !readme.includes(`\`${k}\``))).toEqual([]);
      });

      it("has defaults that make a valid config of the keys without one (the sample's)", () => {
        const given = withoutDefaultedKeys(plugin.configSchema, sampleConfig(dir, plugin) as Record<string, unknown>);
        expect(() => parseConfig(JSON.stringify(given), plugin.configSchema)).not.toThrow();
      });

      it('is created from its sample without I/O', async () => {
        let instance: unknown;
        const started = await resourcesStarted(() => {
          instance = plugin.create(sampleConfig(dir, plugin), context(plugin));
        });
        await dispose(instance);
        expect(started).toEqual([]);
      });
    });
  });
}
