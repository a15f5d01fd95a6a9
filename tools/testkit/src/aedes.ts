import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { Aedes, type AedesOptions } from 'aedes';

export interface AedesHandle {
  aedes: Aedes;
  port: number;
  url: string;
  stop(): Promise<void>;
}

/** A real Aedes broker in this process on a free port, for tests that watch the broker's side (acks, hooks). */
export async function startAedes(options: AedesOptions = {}): Promise<AedesHandle> {
  const aedes = await Aedes.createBroker(options);
  const server = createServer(aedes.handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    aedes,
    port,
    url: `mqtt://127.0.0.1:${port}`,
    stop: async () => {
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
