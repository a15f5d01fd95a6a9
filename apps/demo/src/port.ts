import { createServer } from 'node:net';

/** Whether `host:port` can be listened on right now (probe: listen, then close). */
export function portIsFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

export const portTakenMessage = (port: number) =>
  `wattbus demo: port ${port} on 127.0.0.1 is already in use (another broker or demo running?).\n` +
  `Pick another one: pnpm demo --port ${port < 65535 ? port + 1 : 1884}  (or set WATTBUS_DEMO_PORT)`;
