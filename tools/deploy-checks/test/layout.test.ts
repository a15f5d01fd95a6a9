import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../src/paths.js';

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

const manifests = (folder: string): Array<Manifest & { folder: string }> =>
  readdirSync(join(ROOT, folder), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => ({
      folder: `${folder}/${d.name}`,
      ...(JSON.parse(readFileSync(join(ROOT, folder, d.name, 'package.json'), 'utf8')) as Manifest),
    }));

const packages = manifests('packages');
const apps = manifests('apps');
const tools = manifests('tools');
const names = (list: readonly Manifest[]) => new Set(list.map((m) => m.name));
// Apps that exist to exercise the product (demo, load generator) may run on tooling; the services may not.
const TOOLING_APPS = new Set(['@wattbus/demo', '@wattbus/loadgen']);

describe('the layout shows the architecture', () => {
  it('finds every kind of workspace package', () => {
    expect(packages.length).toBeGreaterThan(5);
    expect(apps.length).toBeGreaterThan(5);
    expect(tools.length).toBeGreaterThan(5);
  });

  it('a product package depends on neither an app nor a tooling package (tests may, as devDependencies)', () => {
    const forbidden = new Set([...names(apps), ...names(tools)]);
    const wrong = packages.flatMap((p) =>
      Object.keys(p.dependencies ?? {})
        .filter((d) => forbidden.has(d))
        .map((d) => `${p.folder} → ${d}`),
    );
    expect(wrong).toEqual([]);
  });

  it('a service app depends on no tooling package and no other app at run time', () => {
    const forbidden = new Set([...names(apps), ...names(tools)]);
    const wrong = apps
      .filter((a) => !TOOLING_APPS.has(a.name))
      .flatMap((a) =>
        Object.keys(a.dependencies ?? {})
          .filter((d) => forbidden.has(d))
          .map((d) => `${a.folder} → ${d}`),
      );
    expect(wrong).toEqual([]);
  });

  it('a tooling package is named after its folder', () => {
    expect(tools.filter((t) => t.name !== `@wattbus/${t.folder.slice('tools/'.length)}`).map((t) => t.folder)).toEqual(
      [],
    );
  });
});
