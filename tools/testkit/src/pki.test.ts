import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { makeTestPki } from './pki.js';
import { requireBinary } from './require-binary.js';

const run = promisify(execFile);

describe('makeTestPki', () => {
  it('makes a CA whose server and client certificates openssl verifies for their purpose', async () => {
    const pki = await makeTestPki();
    const openssl = requireBinary('openssl');
    try {
      const verify = (purpose: string, cert: string) =>
        run(openssl, ['verify', '-purpose', purpose, '-CAfile', pki.caFile, cert]).then((r) => r.stdout.trim());
      expect(await verify('sslserver', pki.server.cert)).toBe(`${pki.server.cert}: OK`);
      const client = await pki.clientCertificate('house-12');
      expect(await verify('sslclient', client.cert)).toBe(`${client.cert}: OK`);
      const { stdout } = await run(openssl, ['x509', '-in', client.cert, '-noout', '-subject']);
      expect(stdout.trim()).toBe('subject=CN = house-12');
      const san = await run(openssl, ['x509', '-in', pki.server.cert, '-noout', '-ext', 'subjectAltName']);
      expect(san.stdout).toContain('DNS:localhost, IP Address:127.0.0.1');
    } finally {
      await pki.cleanup();
    }
    expect(existsSync(pki.dir)).toBe(false);
  });
});
