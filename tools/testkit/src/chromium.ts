import { requireBinary } from './require-binary.js';
import { type TempDir, tempDir } from './temp-dir.js';

export interface ChromiumProfile {
  /** /usr/bin/chromium (Debian's package); tests never download a browser. */
  executablePath: string;
  /** Headless, sandbox off (containers, root), nothing that phones home. */
  args: string[];
  /** A fresh profile directory, removed by cleanup(). */
  userDataDir: string;
  cleanup(): Promise<void>;
}

/**
 * What a browser test needs to launch the system Chromium, e.g. with playwright-core:
 * `chromium.launchPersistentContext(p.userDataDir, { executablePath: p.executablePath, args: p.args })`.
 * Fails (never skips) when the chromium package is missing.
 */
export async function chromiumProfile(): Promise<ChromiumProfile> {
  const executablePath = requireBinary('chromium');
  const dir: TempDir = await tempDir('wattbus-chromium-');
  return {
    executablePath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
    userDataDir: dir.path,
    cleanup: () => dir.cleanup(),
  };
}
