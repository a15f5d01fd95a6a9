import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { DEPLOY } from './paths.js';

export interface Healthcheck {
  test?: string | string[];
  interval?: string;
  disable?: boolean;
}
export interface Service {
  image?: string;
  build?: { context: string; dockerfile: string; args?: Record<string, string> };
  profiles?: string[];
  restart?: string;
  ports?: string[];
  volumes?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: Healthcheck;
  command?: string[];
  entrypoint?: string[];
}
export interface ComposeFile {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

export const COMPOSE_PATH = resolve(DEPLOY, 'compose.yaml');

/** The compose file as compose reads it: YAML merge keys (`<<`) applied, `x-` extension fields kept. */
export function loadCompose(path = COMPOSE_PATH): ComposeFile {
  return parse(readFileSync(path, 'utf8'), { merge: true }) as ComposeFile;
}

/** A volume entry in short syntax: `source:target[:mode]`. */
export function splitVolume(entry: string): { source: string; target: string; mode?: string } {
  const [source = '', target = '', mode] = entry.split(':');
  return mode === undefined ? { source, target } : { source, target, mode };
}

/** A port entry in short syntax: `[ip:]host:container`, returned as host ip ('' = all) and port. */
export function splitPort(entry: string): { ip: string; host: string; container: string } {
  const parts = entry.split(':');
  const container = parts.pop() ?? '';
  const host = parts.pop() ?? '';
  return { ip: parts.join(':'), host, container };
}
