import { createServer } from 'node:net';
import { expect, it } from 'vitest';
import { stablePort } from './free-port.js';

it('stablePort: a free port below the ephemeral range, never the same twice', async () => {
  const ports = await Promise.all([stablePort(), stablePort(), stablePort()]);
  expect(new Set(ports).size).toBe(3);
  for (const port of ports) {
    expect(port).toBeGreaterThanOrEqual(20_000);
    expect(port).toBeLessThan(32_768);
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    });
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
