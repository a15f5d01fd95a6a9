import type { ProcessHandle } from './process.js';
import type { TempDir } from './temp-dir.js';

export interface ServiceControls {
  /** Current process (changes on restart()). */
  process(): ProcessHandle;
  output(): string;
  /** SIGTERM, then remove the temp dir. */
  stop(): Promise<void>;
  /** SIGKILL (crash); the temp dir is kept so restart() works. */
  kill9(): Promise<void>;
  /** Stops if running and starts again with the same ports and data. */
  restart(): Promise<void>;
}

/** A start that failed because its port was taken. */
export function isAddressInUse(err: unknown): boolean {
  return /address already in use|EADDRINUSE/i.test((err as Error).message);
}

/**
 * Runs `start` again while it fails with "address already in use", for a few seconds: a server restarted on
 * its old port may find the previous instance's socket still lingering.
 */
export async function retryWhileAddressInUse<T>(start: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await start();
    } catch (err) {
      if (attempt >= 19 || !isAddressInUse(err)) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/**
 * Stop, crash and restart for a server a test started. A restart binds the same ports again, and the old
 * socket may linger briefly, so "address already in use" is retried for a few seconds.
 */
export function serviceControls(
  first: ProcessHandle,
  launch: () => Promise<ProcessHandle>,
  tmp: TempDir,
): ServiceControls {
  let current = first;
  return {
    process: () => current,
    output: () => current.output(),
    async stop() {
      await current.stop('SIGTERM');
      await tmp.cleanup();
    },
    async kill9() {
      await current.kill9();
    },
    async restart() {
      await current.stop('SIGTERM');
      current = await retryWhileAddressInUse(launch);
    },
  };
}
