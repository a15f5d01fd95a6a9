import type { IncomingMessage } from 'node:http';
import type { AddressInfo, Server, Socket } from 'node:net';
import type { Duplex } from 'node:stream';

export type ListenerName = 'tcp' | 'tls' | 'ws' | 'wss';

export interface ConnectionInfo {
  listener: ListenerName;
  remoteAddress: string;
  /** CN of a verified client certificate, set when the listener takes it as the username. */
  certUsername: string | undefined;
  /** The listener authenticates by client certificate (use_identity_as_username). */
  identityIsUsername: boolean;
  /** The user the client authenticated as, once it has (for logs: not the owner of the id it asked for). */
  username?: string | undefined;
}

/** What a listener hands its connections to. */
export interface Acceptor {
  /** Every new TCP connection, before TLS or HTTP: false = it is closed at once. */
  admit(socket: Socket, listener: ListenerName): boolean;
  /** An MQTT byte stream, ready for the broker. */
  serve(stream: Duplex, info: ConnectionInfo, req?: IncomingMessage): void;
}

/** What every listener needs besides its own config section. */
export interface ListenerContext {
  acceptor: Acceptor;
  /** Also the largest WebSocket message accepted. */
  maxPacketBytes: number;
  /** Time a TLS client has to complete its handshake (the same budget as for sending CONNECT). */
  handshakeTimeoutMs: number;
  /** A TLS handshake failed (plain MQTT on a TLS port, untrusted client certificate, ...). */
  onTlsError(err: Error): void;
}

export interface Listener {
  name: ListenerName;
  host: string;
  port: number;
  /** Re-reads certificate and key files (TLS listeners); used on SIGHUP. */
  reloadTls(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Runs the admission check on `server`'s raw connections (first, before TLS or HTTP handling), listens,
 * and resolves with the bound port.
 */
export async function listen(
  server: Server,
  name: ListenerName,
  bind: { host: string; port: number },
  acceptor: Acceptor,
): Promise<number> {
  server.prependListener('connection', (socket: Socket) => {
    if (!acceptor.admit(socket, name)) socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(bind.port, bind.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}
