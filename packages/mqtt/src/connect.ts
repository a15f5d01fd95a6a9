import { readFileSync } from 'node:fs';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { backoffDelay } from './backoff.js';
import type { MqttConnection } from './connection-schema.js';
import { rescheduleReconnect } from './mqttjs-internals.js';

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

export type MqttEvent =
  | { type: 'connect'; sessionPresent: boolean }
  | { type: 'reconnect-scheduled'; attempt: number; delayMs: number }
  | { type: 'offline' }
  | { type: 'error'; message: string; code?: string | number };

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
 */
export function connectMqtt(conn: MqttConnection, opts: ConnectOptions): MqttClient {
  const client = mqtt.connect(conn.url, clientOptions(conn, opts));
  let attempt = 0;
  const emit = opts.onEvent;
  client.on('connect', (connack) => {
    attempt = 0;
    client.options.reconnectPeriod = conn.reconnect_min_ms;
    emit({ type: 'connect', sessionPresent: connack.sessionPresent });
  });
  client.on('close', () => {
    if (client.disconnecting) return;
    const delayMs = backoffDelay(attempt++, conn.reconnect_min_ms, conn.reconnect_max_ms);
    rescheduleReconnect(client, delayMs);
    emit({ type: 'reconnect-scheduled', attempt, delayMs });
  });
  client.on('offline', () => emit({ type: 'offline' }));
  client.on('error', (err: Error & { code?: string | number }) => {
    emit({
      type: 'error',
      message: describeMqttError(err),
      ...(err.code !== undefined && { code: err.code }),
    });
  });
  return client;
}

interface EventLog {
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
    else log.warn(fields, `mqtt ${connection}: reconnecting in ${event.delayMs} ms (attempt ${event.attempt})`);
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
