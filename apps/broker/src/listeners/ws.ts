import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { createWebSocketStream, WebSocketServer } from 'ws';
import type { BrokerConfig } from '../config.js';
import { closeServer, type Listener, type ListenerContext, listen } from './listener.js';
import { readTlsFiles, tlsServerOptions, verifiedCommonName } from './tls-context.js';

type WsConfig = NonNullable<BrokerConfig['listeners']['ws']>;
type WssConfig = NonNullable<BrokerConfig['listeners']['wss']>;

/** MQTT over WebSocket (`ws`), or over WebSocket with TLS (`wss`) when the config has certificate files. */
export async function startWsListener(config: WsConfig | WssConfig, context: ListenerContext): Promise<Listener> {
  const { acceptor, maxPacketBytes, handshakeTimeoutMs, onTlsError } = context;
  const secure = 'cert_file' in config ? config : undefined;
  const name = secure ? 'wss' : 'ws';
  const server = secure ? createHttpsServer(await tlsServerOptions(secure, handshakeTimeoutMs)) : createHttpServer();
  const wss = new WebSocketServer({
    server,
    path: config.path,
    maxPayload: maxPacketBytes,
    // mqtt.js offers "mqtt" (3.1.1) or "mqttv3.1"; answer with what was offered, as mosquitto does.
    handleProtocols: (protocols) => (protocols.has('mqtt') ? 'mqtt' : ([...protocols][0] ?? false)),
  });
  wss.on('connection', (socket, req) => {
    const useIdentity = secure?.use_identity_as_username ?? false;
    acceptor.serve(
      createWebSocketStream(socket),
      {
        listener: name,
        remoteAddress: req.socket.remoteAddress ?? '',
        certUsername: useIdentity ? verifiedCommonName(req.socket as TLSSocket) : undefined,
        identityIsUsername: useIdentity,
      },
      req,
    );
  });
  if (secure) server.on('tlsClientError', onTlsError);
  const port = await listen(server, name, config, acceptor);
  return {
    name,
    host: config.host,
    port,
    reloadTls: async () => {
      if (secure && 'setSecureContext' in server) server.setSecureContext(await readTlsFiles(secure));
    },
    close: async () => {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      const closed = closeServer(server);
      server.closeAllConnections();
      await closed;
    },
  };
}
