import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

/** Debian/Ubuntu package providing each binary the integration tests rely on. */
export const APT_PACKAGES: Readonly<Record<string, string>> = {
  mosquitto: 'mosquitto',
  mosquitto_pub: 'mosquitto-clients',
  mosquitto_sub: 'mosquitto-clients',
  influxd: 'influxdb',
  mosquitto_passwd: 'mosquitto',
  influx: 'influxdb-client',
  socat: 'socat',
  shellcheck: 'shellcheck',
  openssl: 'openssl',
  chromium: 'chromium',
  'redis-server': 'redis-server',
};

const EXTRA_DIRS = ['/usr/sbin', '/usr/bin', '/usr/local/bin', '/sbin', '/bin'];

const cache = new Map<string, string>();

export interface RequireBinaryOptions {
  /** Search only these directories instead of PATH + the standard ones (mainly for tests). */
  searchDirs?: readonly string[];
}

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * Absolute path of `name`, searched in PATH plus /usr/sbin, /usr/bin, /usr/local/bin.
 * Throws an Error naming the apt package and install command when it is missing:
 * integration tests must fail (never skip) when a system dependency is absent.
 */
export function requireBinary(name: string, options: RequireBinaryOptions = {}): string {
  const custom = options.searchDirs !== undefined;
  const cached = custom ? undefined : cache.get(name);
  if (cached !== undefined) return cached;

  if (isAbsolute(name)) {
    if (isExecutableFile(name)) return name;
    throw new Error(`required binary ${name} does not exist or is not executable`);
  }

  const pathDirs = (process.env.PATH ?? '').split(delimiter).filter((d) => d !== '');
  const searched = options.searchDirs ?? [...new Set([...pathDirs, ...EXTRA_DIRS])];
  for (const dir of searched) {
    const candidate = join(dir, name);
    if (isExecutableFile(candidate)) {
      if (!custom) cache.set(name, candidate);
      return candidate;
    }
  }

  const pkg = APT_PACKAGES[name];
  const hint =
    pkg === undefined
      ? 'No apt package is known for it; install it and make sure it is on PATH.'
      : `It is provided by the apt package "${pkg}". Install it with: sudo apt-get install -y ${pkg}`;
  throw new Error(
    `required binary "${name}" not found (searched ${custom ? searched.join(', ') : `PATH and ${EXTRA_DIRS.join(', ')}`}). ${hint} ` +
      '(integration tests fail rather than skip when a system dependency is missing)',
  );
}
