import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { requireBinary } from './require-binary.js';
import { type TempDir, tempDir } from './temp-dir.js';

const run = promisify(execFile);

export interface CertificateFiles {
  cert: string;
  key: string;
}

export interface TestPki {
  dir: string;
  /** PEM file of the throwaway CA that signed everything here: what clients and servers trust. */
  caFile: string;
  /** For `localhost` and 127.0.0.1. */
  server: CertificateFiles;
  /** A client certificate for TLS client authentication, with `commonName` as its CN. */
  clientCertificate(commonName: string): Promise<CertificateFiles>;
  cleanup(): Promise<void>;
}

// EC keys: generated in milliseconds, where RSA takes long enough to matter in a test run.
const NEW_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

async function issue(
  openssl: string,
  tmp: TempDir,
  name: string,
  subject: string,
  extensions: string,
): Promise<CertificateFiles> {
  const file = (ext: string) => join(tmp.path, `${name}.${ext}`);
  await writeFile(file('ext'), `${extensions}\n`);
  await run(openssl, ['req', ...NEW_KEY, '-keyout', file('key'), '-out', file('csr'), '-subj', subject]);
  await run(openssl, [
    'x509',
    '-req',
    '-in',
    file('csr'),
    '-CA',
    join(tmp.path, 'ca.crt'),
    '-CAkey',
    join(tmp.path, 'ca.key'),
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    file('ext'),
    '-out',
    file('crt'),
  ]);
  return { cert: file('crt'), key: file('key') };
}

/** A throwaway CA and a server certificate made with the real `openssl`, in a temp dir. */
export async function makeTestPki(): Promise<TestPki> {
  const openssl = requireBinary('openssl');
  const tmp = await tempDir('wattbus-pki-');
  try {
    const caFile = join(tmp.path, 'ca.crt');
    await run(openssl, [
      'req',
      '-x509',
      ...NEW_KEY,
      '-keyout',
      join(tmp.path, 'ca.key'),
      '-out',
      caFile,
      '-days',
      '2',
      '-subj',
      '/CN=wattbus test CA',
      '-addext',
      'basicConstraints=critical,CA:true',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ]);
    const server = await issue(
      openssl,
      tmp,
      'server',
      '/CN=localhost',
      'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth',
    );
    return {
      dir: tmp.path,
      caFile,
      server,
      clientCertificate: (commonName) =>
        issue(openssl, tmp, `client-${commonName}`, `/CN=${commonName}`, 'extendedKeyUsage=clientAuth'),
      cleanup: () => tmp.cleanup(),
    };
  } catch (err) {
    await tmp.cleanup();
    throw err;
  }
}
