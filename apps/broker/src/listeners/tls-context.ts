import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { SecureContextOptions, TLSSocket, TlsOptions } from 'node:tls';
import type { TlsFiles } from '../config.js';

/** Certificate, key and CA read from their files (again on every call: SIGHUP picks up renewed ones). */
export async function readTlsFiles(files: TlsFiles): Promise<SecureContextOptions> {
  const [cert, key, ca] = await Promise.all([
    readFile(resolve(files.cert_file)),
    readFile(resolve(files.key_file)),
    files.ca_file === undefined ? undefined : readFile(resolve(files.ca_file)),
  ]);
  return { cert, key, ...(ca && { ca }) };
}

export async function tlsServerOptions(files: TlsFiles, handshakeTimeoutMs: number): Promise<TlsOptions> {
  return {
    ...(await readTlsFiles(files)),
    handshakeTimeout: handshakeTimeoutMs,
    requestCert: files.require_client_cert,
    rejectUnauthorized: files.require_client_cert,
  };
}

/** The CN of the client's certificate if the handshake verified it against the CA. */
export function verifiedCommonName(socket: TLSSocket): string | undefined {
  if (!socket.authorized) return undefined;
  const cn = socket.getPeerCertificate().subject?.CN;
  return typeof cn === 'string' && cn !== '' ? cn : undefined;
}
