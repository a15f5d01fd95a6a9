import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createSecureContext } from 'node:tls';
import { ConfigError, type ConfigIssue } from '@wattbus/config';
import { parseAcl } from '@wattbus/mqtt/acl';
import type { BrokerConfig, TlsFiles } from './config.js';
import { AuthFileError } from './errors.js';

function readable(path: string, key: string, issues: ConfigIssue[]): string | undefined {
  try {
    return readFileSync(resolve(path), 'utf8');
  } catch (err) {
    issues.push({ path: key, message: `cannot read ${resolve(path)}: ${(err as NodeJS.ErrnoException).code ?? err}` });
    return undefined;
  }
}

function checkTls(tls: TlsFiles, at: string, issues: ConfigIssue[]): void {
  const cert = readable(tls.cert_file, `${at}.cert_file`, issues);
  const key = readable(tls.key_file, `${at}.key_file`, issues);
  const ca = tls.ca_file === undefined ? undefined : readable(tls.ca_file, `${at}.ca_file`, issues);
  if (tls.require_client_cert && tls.ca_file === undefined) {
    issues.push({ path: `${at}.ca_file`, message: 'required when require_client_cert is true' });
  }
  if (tls.use_identity_as_username && !tls.require_client_cert) {
    issues.push({ path: `${at}.use_identity_as_username`, message: 'needs require_client_cert: true' });
  }
  if (cert === undefined || key === undefined) return;
  try {
    createSecureContext({ cert, key, ...(ca !== undefined && { ca }) });
  } catch (err) {
    issues.push({ path: at, message: `unusable certificate/key: ${(err as Error).message}` });
  }
}

/** What the schema cannot say: the files must exist and be usable, and TLS options must fit together. */
export function checkBrokerConfig(config: BrokerConfig, file: string): void {
  const issues: ConfigIssue[] = [];
  const { auth, listeners } = config;
  if (auth.password_file !== undefined) readable(auth.password_file, 'auth.password_file', issues);
  if (auth.acl_file !== undefined) {
    const text = readable(auth.acl_file, 'auth.acl_file', issues);
    try {
      if (text !== undefined) parseAcl(text, resolve(auth.acl_file));
    } catch (err) {
      if (!(err instanceof AuthFileError)) throw err;
      issues.push({ path: 'auth.acl_file', message: err.message });
    }
  }
  if (config.cluster && config.persistence) {
    issues.push({
      path: 'persistence',
      message: 'a cluster node keeps everything in cluster.redis_url: remove persistence',
    });
  }
  if (listeners.tls) checkTls(listeners.tls, 'listeners.tls', issues);
  if (listeners.wss) checkTls(listeners.wss, 'listeners.wss', issues);
  if (issues.length > 0) throw new ConfigError(file, issues);
}
