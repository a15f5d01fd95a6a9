import { execFileSync } from 'node:child_process';
import { appendFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@wattbus/testkit';

export interface SmallDisk {
  path: string;
  /** Writes a file until the disk is full (ENOSPC), as a log gone wild would. */
  fill(): void;
  /** Removes that file. */
  free(): void;
  unmount(): Promise<void>;
}

/**
 * A tmpfs of `size` (e.g. "8m") mounted on a fresh temp dir, to fill for real: the tests run as root, and a full
 * tmpfs gives ENOSPC from the kernel like a full SD card.
 */
export async function smallDisk(size: string): Promise<SmallDisk> {
  const dir = await tempDir('wattbus-small-disk-');
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir.path]);
  const filler = join(dir.path, 'filler');
  return {
    path: dir.path,
    fill() {
      for (const chunk of [1024 * 1024, 4096, 64]) {
        try {
          for (;;) appendFileSync(filler, Buffer.alloc(chunk));
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
        }
      }
    },
    free() {
      unlinkSync(filler);
    },
    async unmount() {
      // Lazily: a test that failed may have left a database open on it.
      execFileSync('umount', ['--lazy', dir.path]);
      await dir.cleanup();
    },
  };
}
