import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onProcessExit } from './cleanup.js';

export interface TempDir {
  /** Absolute path of the created directory. */
  path: string;
  /** rm -rf the directory. Safe to call more than once. */
  cleanup(): Promise<void>;
}

/**
 * Creates a fresh directory under os.tmpdir() (mkdtemp). It is also removed at process exit if
 * `cleanup()` was never called; set WATTBUS_TESTKIT_KEEP_TMP=1 to keep it for debugging.
 */
export async function tempDir(prefix = 'wattbus-'): Promise<TempDir> {
  const path = await mkdtemp(join(tmpdir(), prefix.replace(/[/\\]/g, '-')));
  const keep = process.env.WATTBUS_TESTKIT_KEEP_TMP === '1';
  const unregister = keep ? () => {} : onProcessExit(() => rmSync(path, { recursive: true, force: true }));
  return {
    path,
    async cleanup() {
      unregister();
      if (!keep) await rm(path, { recursive: true, force: true });
    },
  };
}
