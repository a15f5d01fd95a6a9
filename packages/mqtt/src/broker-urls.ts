import type { IClientOptions } from 'mqtt';
import type { MqttConnection } from './connection-schema.js';

/** `mqtt.url` as a list: one URL, or the brokers (or cluster nodes) tried in turn. */
export function brokerUrls(url: MqttConnection['url']): string[] {
  return typeof url === 'string' ? [url] : [...url];
}

/** A URL as logs show it: a password in it is masked. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password === '') return url;
    parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}

// mqtt.js itself turns mqtt:// into mqtts:// (and ws:// into wss://) when a client certificate and key are given.
const SECURE: Record<string, string> = { mqtt: 'mqtts', ws: 'wss' };

export type BrokerTarget = Pick<
  IClientOptions,
  'protocol' | 'host' | 'hostname' | 'port' | 'path' | 'servername' | 'username' | 'password'
>;

/**
 * The mqtt.js options that say which broker to connect to, for one URL of a list, parsed as mqtt.js parses the URL
 * it is given. Every key is present, undefined ones too, so that nothing of the previous URL stays: the port
 * defaults per protocol again, and the TLS server name (SNI, and the name the certificate must carry) follows the
 * host. The rest — TLS files, credentials from `mqtt.username`/`mqtt.password`, the will — is shared by every URL.
 */
export function brokerTarget(url: string, conn: Pick<MqttConnection, 'cert' | 'key' | 'username' | 'password'>) {
  const parsed = new URL(url);
  const scheme = parsed.protocol.slice(0, -1);
  const protocol = (conn.cert && conn.key && SECURE[scheme]) || scheme;
  const hostname = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  const target: BrokerTarget = {
    protocol: protocol as BrokerTarget['protocol'],
    host: hostname,
    hostname,
    port: parsed.port === '' ? undefined : Number(parsed.port),
    path: protocol.startsWith('ws') ? `${parsed.pathname}${parsed.search}` : undefined,
    servername: undefined,
    // as in mqtt.js, credentials in the URL win over mqtt.username/password
    username: parsed.username === '' ? conn.username : decodeURIComponent(parsed.username),
    password: parsed.password === '' ? conn.password : decodeURIComponent(parsed.password),
  };
  return target;
}
