import { existsSync } from 'node:fs';
import { stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from './free-port.js';
import { requireBinary } from './require-binary.js';
import { tempDir } from './temp-dir.js';

describe('freePort', () => {
  it('returns distinct ports that can actually be bound on 127.0.0.1', async () => {
    const ports = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
    expect(new Set(ports).size).toBe(4);
    for (const port of ports) {
      expect(port).toBeGreaterThan(1023);
      expect(port).toBeLessThan(65536);
      const server = createServer();
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', resolve);
      });
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('tempDir', () => {
  it('creates a directory under os.tmpdir() with the prefix and removes it recursively', async () => {
    const dir = await tempDir('testkit-self-');
    expect(dir.path.startsWith(join(tmpdir(), 'testkit-self-'))).toBe(true);
    expect((await stat(dir.path)).isDirectory()).toBe(true);
    await writeFile(join(dir.path, 'f.txt'), 'x');
    await dir.cleanup();
    expect(existsSync(dir.path)).toBe(false);
    await dir.cleanup(); // idempotent
  });
});

describe('requireBinary', () => {
  it('resolves installed binaries to absolute paths, including ones only in /usr/sbin', () => {
    const oldPath = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      expect(requireBinary('mosquitto')).toBe('/usr/sbin/mosquitto');
    } finally {
      process.env.PATH = oldPath;
    }
    expect(requireBinary('socat')).toMatch(/^\/.*\/socat$/);
    expect(requireBinary('mosquitto_sub')).toMatch(/^\/.*\/mosquitto_sub$/);
  });

  it('fails with the apt package and install command when a binary is missing', () => {
    expect(() => requireBinary('wattbus-definitely-missing')).toThrow(
      /required binary "wattbus-definitely-missing" not found/,
    );
    expect(() => requireBinary('/nonexistent/influxd')).toThrow(/does not exist or is not executable/);
  });

  it.each([
    ['mosquitto', 'mosquitto'],
    ['mosquitto_pub', 'mosquitto-clients'],
    ['mosquitto_sub', 'mosquitto-clients'],
    ['influxd', 'influxdb'],
    ['socat', 'socat'],
  ])('names the apt package and install command when %s is missing', (name, pkg) => {
    expect(() => requireBinary(name, { searchDirs: ['/nonexistent'] })).toThrow(
      `required binary "${name}" not found (searched /nonexistent). It is provided by the apt package "${pkg}". ` +
        `Install it with: sudo apt-get install -y ${pkg}`,
    );
  });
});
