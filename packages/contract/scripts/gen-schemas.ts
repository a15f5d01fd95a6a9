import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { generateArtifacts } from './generate.js';

const root = join(import.meta.dirname, '..');
for (const [file, text] of generateArtifacts()) {
  mkdirSync(dirname(join(root, file)), { recursive: true });
  writeFileSync(join(root, file), text);
  console.log(`wrote ${file}`);
}
