import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type ProcessHandle, startProcess } from './process.js';
import { requireBinary } from './require-binary.js';
import { tempDir } from './temp-dir.js';
import { waitFor } from './wait-for.js';

export interface PtyPair {
  /** Symlink to one pseudo-terminal (e.g. what a meter reader opens as its "serial port"). */
  a: string;
  /** Symlink to the other end: bytes written to `a` come out of `b` and vice versa. */
  b: string;
  dir: string;
  process: ProcessHandle;
  /**
   * Stops socat (the links disappear; open file descriptors get EOF/EIO) and removes the dir, unless the
   * caller passed it in.
   */
  stop(): Promise<void>;
}

export interface PtyPairOptions {
  /**
   * Directory for the links A and B, owned by the caller and kept by stop(): a new pair made in the same
   * directory reappears at the same paths, like a USB serial adapter unplugged and plugged back.
   * Default: a fresh temp dir, removed by stop().
   */
  dir?: string;
}

/**
 * A connected pair of raw, non-echoing PTYs made by
 * `socat -d -d pty,raw,echo=0,link=<dir>/A pty,raw,echo=0,link=<dir>/B`; a stand-in serial cable.
 */
export async function makePtyPair(options: PtyPairOptions = {}): Promise<PtyPair> {
  const bin = requireBinary('socat');
  const tmp =
    options.dir === undefined ? await tempDir('wattbus-pty-') : { path: options.dir, cleanup: async () => {} };
  const a = join(tmp.path, 'A');
  const b = join(tmp.path, 'B');
  let proc: ProcessHandle;
  try {
    proc = await startProcess(bin, ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], {
      readyWhen: /starting data transfer loop/,
      readyTimeoutMs: 10_000,
    });
    await waitFor(() => existsSync(a) && existsSync(b), {
      timeoutMs: 5_000,
      what: `socat links ${a} and ${b}`,
    });
  } catch (err) {
    await tmp.cleanup();
    throw err;
  }
  return {
    a,
    b,
    dir: tmp.path,
    process: proc,
    async stop() {
      await proc.stop('SIGTERM', 5_000);
      await tmp.cleanup();
    },
  };
}
