import { createServer } from 'node:net';

const handedOut = new Set<number>();

function probe(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error(`unexpected server address ${String(address)}`));
        return;
      }
      const { port } = address;
      server.close((err) => (err ? reject(err) : resolve(port)));
    });
  });
}

/**
 * A TCP port on 127.0.0.1 that was free a moment ago (listen on port 0, read it, close).
 * Never returns the same port twice within one process.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await probe();
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error('freePort: could not find an unused port after 50 attempts');
}

function probePort(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * Like freePort(), but below Linux's ephemeral range (32768–60999): for a server a test stops and starts
 * again on the same port. A port from freePort() is an ephemeral one, so while its server is down any
 * outgoing connection on the machine may get it as its local port, and the restart fails with EADDRINUSE.
 */
export async function stablePort(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (handedOut.has(port)) continue;
    handedOut.add(port); // before the await, so concurrent calls cannot pick it too
    if (await probePort(port)) return port;
    handedOut.delete(port);
  }
  throw new Error('stablePort: could not find an unused port in 20000–31999 after 100 attempts');
}
