import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { generateArtifacts } from '../scripts/generate.js';

// The TypeScript types are Static<> of the TypeBox schemas, so they cannot drift from them; the JSON Schema
// files and the precompiled validators are derived artifacts, and this test fails when they are stale.
it('generated JSON Schemas and validators match src/schemas (run `pnpm gen` if not)', () => {
  const root = join(import.meta.dirname, '..');
  for (const [file, text] of generateArtifacts()) {
    expect(readFileSync(join(root, file), 'utf8'), file).toBe(text);
  }
});
