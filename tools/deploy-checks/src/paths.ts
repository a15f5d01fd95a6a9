import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root and its deploy/ folder, whatever the working directory. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const DEPLOY = resolve(ROOT, 'deploy');
