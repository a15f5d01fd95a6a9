/** Defined beside the ACL parser, which the portal shares; re-exported so the broker has one error module. */
export { AuthFileError } from '@wattbus/mqtt/acl';

/** A PUBLISH (or a Will) that the ACL does not allow; Aedes disconnects the client with it. */
export class PublishDeniedError extends Error {
  override readonly name = 'PublishDeniedError';

  constructor(
    readonly topic: string,
    readonly clientId: string,
    readonly username: string | undefined,
  ) {
    super(`publish to "${topic}" denied for client ${clientId} (user ${username ?? '<anonymous>'})`);
  }
}

/** CONNACK "not authorized" (what mosquitto answers to every authentication failure), with the reason. */
export class ConnectRefusedError extends Error {
  override readonly name = 'ConnectRefusedError';
  readonly returnCode = 5;
}

/** A client that broke one of the configured limits; its connection is destroyed with this error. */
export class LimitExceededError extends Error {
  override readonly name = 'LimitExceededError';

  constructor(
    readonly limit: 'max_packet_bytes' | 'publish_rate',
    readonly detail: string,
  ) {
    super(`${limit} exceeded: ${detail}`);
  }
}

/** A client that leaves more than limits.slow_reader.max_buffered_bytes unread; its connection is destroyed with this. */
export class SlowReaderError extends Error {
  override readonly name = 'SlowReaderError';

  constructor(
    readonly bufferedBytes: number,
    readonly maxBufferedBytes: number,
  ) {
    super(`slow reader: ${bufferedBytes} bytes not taken by the client's socket, the limit is ${maxBufferedBytes}`);
  }
}

/** Bad usage of `wattbus-broker passwd`; the message is printed as is. */
export class PasswdUsageError extends Error {
  override readonly name = 'PasswdUsageError';
}

/** The persistence store cannot be opened, e.g. another broker holds its lock. */
export class PersistenceError extends Error {
  override readonly name = 'PersistenceError';

  constructor(
    readonly path: string,
    reason: string,
    options?: ErrorOptions,
  ) {
    super(`persistence.path ${path}: ${reason}`, options);
  }
}

/** The cluster's Redis cannot be used. */
export class ClusterError extends Error {
  override readonly name = 'ClusterError';

  constructor(url: string, reason: string, options?: ErrorOptions) {
    super(`cluster.redis_url ${withoutPassword(url)}: ${reason}`, options);
  }
}

/** The URL with its password, if any, as ***: for logs and errors. */
export function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}
