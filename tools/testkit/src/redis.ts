import { join } from 'node:path';
import { freePort } from './free-port.js';
import { type ProcessHandle, startProcess } from './process.js';
import { requireBinary } from './require-binary.js';
import { type ServiceControls, serviceControls } from './service.js';
import { tempDir } from './temp-dir.js';

export interface RedisHandle extends ServiceControls {
  port: number;
  /** redis://127.0.0.1:<port> */
  url: string;
  /** Temp dir holding the append-only file. */
  dir: string;
}

const READY = /Ready to accept connections/;

/**
 * Starts a real redis-server on 127.0.0.1 with its own port and temp dir, durable as the broker cluster needs it
 * (docs/operations.md): every write in the append-only file, fsynced before Redis answers it; no RDB snapshots.
 */
export async function startRedis(): Promise<RedisHandle> {
  const bin = requireBinary('redis-server');
  const tmp = await tempDir('wattbus-redis-');
  const launch = (port: number): Promise<ProcessHandle> =>
    startProcess(
      bin,
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        tmp.path,
        '--save',
        '',
        '--appendonly',
        'yes',
        '--appendfsync',
        'always',
        '--logfile',
        '',
      ],
      { cwd: tmp.path, readyWhen: READY, readyTimeoutMs: 10_000 },
    );
  let port = await freePort();
  let current: ProcessHandle;
  for (let attempt = 1; ; attempt++) {
    try {
      current = await launch(port);
      break;
    } catch (err) {
      if (!/Address already in use/i.test((err as Error).message) || attempt >= 3) {
        await tmp.cleanup();
        throw err;
      }
      port = await freePort();
    }
  }
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    dir: join(tmp.path),
    ...serviceControls(current, () => launch(port), tmp),
  };
}
