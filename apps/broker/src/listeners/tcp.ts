import { createServer } from 'node:net';
import type { BrokerConfig } from '../config.js';
import { closeServer, type Listener, type ListenerContext, listen } from './listener.js';

type TcpConfig = NonNullable<BrokerConfig['listeners']['tcp']>;

export async function startTcpListener(config: TcpConfig, { acceptor }: ListenerContext): Promise<Listener> {
  const server = createServer((socket) => {
    if (socket.destroyed) return; // refused by the admission check
    acceptor.serve(socket, {
      listener: 'tcp',
      remoteAddress: socket.remoteAddress ?? '',
      certUsername: undefined,
      identityIsUsername: false,
    });
  });
  const port = await listen(server, 'tcp', config, acceptor);
  return { name: 'tcp', host: config.host, port, reloadTls: async () => {}, close: () => closeServer(server) };
}
