import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webmanifest': 'application/manifest+json',
};

export interface StaticFile {
  body: Buffer;
  type: string;
}

export const PUBLIC_DIR = join(import.meta.dirname, '..', 'public');

/** mqtt.js's own browser ES module build, served as is (no bundler). */
function mqttBrowserBundle(): string {
  const pkg = createRequire(import.meta.url).resolve('mqtt/package.json');
  return join(dirname(pkg), 'dist', 'mqtt.esm.js');
}

/**
 * Every file the portal serves, read once at start: the files of public/ by name, `/` as index.html and
 * `/vendor/mqtt.esm.js`. A path not in this table is a 404, so no request can reach any other file.
 */
export async function loadStaticFiles(dir = PUBLIC_DIR): Promise<Map<string, StaticFile>> {
  const files = new Map<string, StaticFile>();
  for (const name of await readdir(dir)) {
    const type = TYPES[extname(name)];
    if (type !== undefined) files.set(`/${name}`, { body: await readFile(join(dir, name)), type });
  }
  const index = files.get('/index.html');
  if (index !== undefined) files.set('/', index);
  files.set('/vendor/mqtt.esm.js', { body: await readFile(mqttBrowserBundle()), type: TYPES['.js'] as string });
  return files;
}
