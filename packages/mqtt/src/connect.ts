import { readFileSync } from 'node:fs';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { reconnectDelay } from './backoff.js';
import { brokerTarget, brokerUrls, redactUrl } from './broker-urls.js';
import type { MqttConnection } from './connection-schema.js';
import { beforeEachConnectionAttempt, rescheduleReconnect } from './mqttjs-internals.js';

export interface ConnectOptions {
  clientId: string;
  /** false = persistent session: the broker keeps QoS1 messages while we are away. */
  clean?: boolean;
  will?: IClientOptions['will'];
  /**
   * Called on each connection state change. Required, so that no connection of any app is silent about a
   * refused password or an unreachable broker: most callers pass `logConnectionEvents(log, name)`.
   */
  onEvent: (event: MqttEvent) => void;
}

/** `url`: the broker of the attempt, as in `mqtt.url` but with any password in it masked. */
export type MqttEvent =
  | { type: 'connect'; url: string; sessionPresent: boolean }
  | { type: 'reconnect-scheduled'; url: string; attempt: number; delayMs: number }
  | { type: 'offline' }
  | { type: 'error'; url: string; message: string; code?: string | number };

function readPem(key: string, file: string | undefined): Buffer | undefined {
  if (!file) return undefined;
  try {
    return readFileSync(file);
  } catch (err) {
    throw new Error(`mqtt.${key}: cannot read ${file}: ${(err as Error).message}`);
  }
}

/** Builds the mqtt.js options from the shared `mqtt:` config section. Reads TLS files eagerly. */
export function clientOptions(conn: MqttConnection, opts: ConnectOptions): IClientOptions {
  const options: IClientOptions = {
    clientId: conn.client_id ?? opts.clientId,
    clean: opts.clean ?? true,
    protocolVersion: conn.protocol_version,
    keepalive: conn.keepalive_s,
    reconnectPeriod: conn.reconnect_min_ms,
    connectTimeout: 10_000,
    rejectUnauthorized: conn.reject_unauthorized,
    resubscribe: true,
    // Keep trying after a refused CONNACK too (e.g. a password being rotated): a cabinet agent never gives up.
    reconnectOnConnackError: true,
  };
  if (conn.username !== undefined) options.username = conn.username;
  if (conn.password !== undefined) options.password = conn.password;
  const ca = readPem('ca', conn.ca);
  const cert = readPem('cert', conn.cert);
  const key = readPem('key', conn.key);
  if (ca) options.ca = ca;
  if (cert) options.cert = cert;
  if (key) options.key = key;
  if (opts.will) options.will = opts.will;
  if (conn.protocol_version === 5 && opts.clean === false) {
    options.properties = { sessionExpiryInterval: 7 * 24 * 3600 };
  }
  return options;
}

/**
 * Connects with the project's defaults: TLS files from config, reconnect with exponential backoff and
 * jitter, and readable events. Returns at once; mqtt.js queues work until the connection is up.
 *
 * With several URLs the first attempt goes to the first, and every later one to the next in the list, round robin
 * (mqtt.js's `servers`, and mosquitto's bridge `round_robin true`, do the same): an attempt that fails, or a
 * connection that is lost, moves on to the next broker. The backoff grows once per full turn through the list, as
 * paho's automatic reconnect does over its serverURIs, so a client whose broker died reaches the next one after
 * `reconnect_min_ms`, and waits longer only once every broker has failed. mqtt.js's own `servers` option is not
 * used: it keeps the first host's TLS server name (SNI, and the name checked in the certificate) and the first
 * URL's WebSocket path for every broker.
 */
export function connectMqtt(conn: MqttConnection, opts: ConnectOptions): MqttClient {
  const urls = brokerUrls(conn.url);
  const client = mqtt.connect(urls[0] as string, { ...clientOptions(conn, opts), manualConnect: true });
  /** Index in `urls` of the attempt under way (or of the connection). */
  let current = 0;
  if (urls.length > 1) {
    let next = 0;
    beforeEachConnectionAttempt(client, () => {
      current = next;
      next = (next + 1) % urls.length;
      Object.assign(client.options, brokerTarget(urls[current] as string, conn));
    });
  }
  const shown = urls.map(redactUrl);
  /** Attempts that failed since the last CONNACK (a lost connection counts as one). */
  let failures = 0;
  const emit = opts.onEvent;
  client.on('connect', (connack) => {
    failures = 0;
    client.options.reconnectPeriod = conn.reconnect_min_ms;
    emit({ type: 'connect', url: shown[current] as string, sessionPresent: connack.sessionPresent });
  });
  client.on('close', () => {
    if (client.disconnecting) return;
    const delayMs = reconnectDelay(failures, urls.length, conn.reconnect_min_ms, conn.reconnect_max_ms);
    failures++;
    rescheduleReconnect(client, delayMs);
    const url = shown[(current + 1) % urls.length] as string;
    emit({ type: 'reconnect-scheduled', url, attempt: failures, delayMs });
  });
  client.on('offline', () => emit({ type: 'offline' }));
  client.on('error', (err: Error & { code?: string | number }) => {
    emit({
      type: 'error',
      url: shown[current] as string,
      message: describeMqttError(err),
      ...(err.code !== undefined && { code: err.code }),
    });
  });
  client.connect();
  return client;
}

export interface EventLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/** One JSON log line per connection event, naming the connection: refusals and retries are never silent. */
export function logConnectionEvents(log: EventLog, connection: string): (event: MqttEvent) => void {
  return (event) => {
    const fields = { connection, ...event };
    if (event.type === 'error') log.error(fields, `mqtt ${connection}: ${event.message}`);
    else if (event.type === 'connect') log.info(fields, `mqtt ${connection}: connected`);
    else if (event.type === 'offline') log.warn(fields, `mqtt ${connection}: offline`);
    else
      log.warn(
        fields,
        `mqtt ${connection}: reconnecting in ${event.delayMs} ms to ${event.url} (attempt ${event.attempt})`,
      );
  };
}

/** Turns CONNACK refusals and socket errors into a line an operator understands. */
export function describeMqttError(err: Error & { code?: string | number }): string {
  switch (err.code) {
    case 4:
    case 134:
      return 'broker refused the connection: bad username or password';
    case 5:
    case 135:
      return 'broker refused the connection: not authorized';
    case 'ECONNREFUSED':
      return `broker unreachable (connection refused): ${err.message}`;
    case 'ENOTFOUND':
      return `broker host not found: ${err.message}`;
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
      return `TLS: the broker's certificate is not signed by a trusted CA (check mqtt.ca): ${err.message}`;
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `TLS: the broker's certificate is not for this host name (check mqtt.url): ${err.message}`;
    case 'CERT_HAS_EXPIRED':
      return `TLS: the broker's certificate has expired: ${err.message}`;
    default:
      return err.message;
  }
}
