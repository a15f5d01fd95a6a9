import { createServer } from 'node:tls';
import type { BrokerConfig } from '../config.js';
import { closeServer, type Listener, type ListenerContext, listen } from './listener.js';
import { readTlsFiles, tlsServerOptions, verifiedCommonName } from './tls-context.js';

type TlsConfig = NonNullable<BrokerConfig['listeners']['tls']>;

export async function startTlsListener(config: TlsConfig, context: ListenerContext): Promise<Listener> {
  const { acceptor, handshakeTimeoutMs, onTlsError } = context;
  const server = createServer(await tlsServerOptions(config, handshakeTimeoutMs), (socket) => {
    acceptor.serve(socket, {
      listener: 'tls',
      remoteAddress: socket.remoteAddress ?? '',
      certUsername: config.use_identity_as_username ? verifiedCommonName(socket) : undefined,
      identityIsUsername: config.use_identity_as_username,
    });
  });
  server.on('tlsClientError', onTlsError);
  const port = await listen(server, 'tls', config, acceptor);
  return {
    name: 'tls',
    host: config.host,
    port,
    reloadTls: async () => server.setSecureContext(await readTlsFiles(config)),
    close: () => closeServer(server),
  };
}
