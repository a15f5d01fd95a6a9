import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireBinary } from './require-binary.js';
import { tempDir } from './temp-dir.js';

export interface TestCertificates {
  dir: string;
  /** The CA that signed the server and client certificates. */
  ca: string;
  /** Server certificate for localhost / 127.0.0.1, and its key. */
  serverCert: string;
  serverKey: string;
  /** A client certificate (CN = `clientName`) for mutual TLS, and its key. */
  clientCert: string;
  clientKey: string;
  /** A second, unrelated CA: trusting it instead of `ca` must fail verification. */
  otherCa: string;
  cleanup(): Promise<void>;
}

/** A throwaway CA, server and client certificates made with the real openssl (EC P-256, valid 2 days). */
export async function makeTestCertificates(clientName = 'test-client'): Promise<TestCertificates> {
  const openssl = requireBinary('openssl');
  const tmp = await tempDir('wattbus-tls-');
  const f = (name: string) => join(tmp.path, name);
  const run = (...args: string[]) => execFileSync(openssl, args, { cwd: tmp.path, stdio: 'pipe' });
  const key = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

  const makeCa = (name: string) =>
    run(
      'req',
      '-x509',
      ...key,
      '-keyout',
      f(`${name}.key`),
      '-out',
      f(`${name}.pem`),
      '-days',
      '2',
      '-subj',
      `/CN=wattbus ${name}`,
    );
  const makeSigned = (name: string, cn: string, ext: string) => {
    writeFileSync(f(`${name}.ext`), ext);
    run('req', ...key, '-keyout', f(`${name}.key`), '-out', f(`${name}.csr`), '-subj', `/CN=${cn}`);
    run(
      'x509',
      '-req',
      '-in',
      f(`${name}.csr`),
      '-CA',
      f('ca.pem'),
      '-CAkey',
      f('ca.key'),
      '-CAcreateserial',
      '-out',
      f(`${name}.pem`),
      '-days',
      '2',
      '-extfile',
      f(`${name}.ext`),
    );
  };
  makeCa('ca');
  makeCa('other-ca');
  makeSigned('server', 'localhost', 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  makeSigned('client', clientName, 'extendedKeyUsage=clientAuth\n');
  return {
    dir: tmp.path,
    ca: f('ca.pem'),
    serverCert: f('server.pem'),
    serverKey: f('server.key'),
    clientCert: f('client.pem'),
    clientKey: f('client.key'),
    otherCa: f('other-ca.pem'),
    cleanup: tmp.cleanup,
  };
}
