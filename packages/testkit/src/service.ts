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
      let lastErr: unknown;
      for (let attempt = 0; attempt < 20; attempt++) {
        try {
          current = await launch();
          return;
        } catch (err) {
          lastErr = err;
          if (!/address already in use/i.test((err as Error).message)) throw err;
          await new Promise((r) => setTimeout(r, 250));
        }
      }
      throw lastErr;
    },
  };
}
