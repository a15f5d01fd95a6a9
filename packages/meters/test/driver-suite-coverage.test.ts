import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { drivers } from '../src/registry.js';

const DIR = fileURLToPath(new URL('./conformance/', import.meta.url));

it('every driver in the registry runs the shared driver suite, from its own file in test/conformance', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.test.ts'));
  expect(files.map((f) => f.replace(/\.test\.ts$/, '')).sort()).toEqual(Object.keys(drivers).sort());
  for (const name of Object.keys(drivers)) {
    const source = readFileSync(`${DIR}${name}.test.ts`, 'utf8');
    expect(source, `${name}.test.ts`).toMatch(new RegExp(`driverSuite\\(\\s*'${name}'`));
  }
});
