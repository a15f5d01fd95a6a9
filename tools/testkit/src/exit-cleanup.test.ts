import { existsSync, readFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startProcess } from './process.js';
import { tempDir } from './temp-dir.js';
import { waitFor } from './wait-for.js';

const fixture = fileURLToPath(new URL('../test/fixtures/leaky-child.ts', import.meta.url));

/** Running and not a zombie (killed children of a dead parent linger as zombies until init reaps them). */
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

describe('cleanup when the test process dies without stopping anything', () => {
  it.each([
    ['sigterm', null],
    ['exit', 3],
    ['throw', 1],
  ])('leaves no mosquitto/influxd/socat or temp dir behind (%s)', async (mode, expectedCode) => {
    const scratch = await tempDir('testkit-exit-');
    const goFile = join(scratch.path, 'go');
    const child = await startProcess(process.execPath, ['--import', 'tsx', fixture, mode, goFile], {
      readyWhen: /STARTED .*\n/,
      readyTimeoutMs: 30_000,
    });
    const line = /STARTED (.*)\n/.exec(child.output())?.[1] ?? '';
    const { pids, dirs } = JSON.parse(line) as { pids: number[]; dirs: string[] };
    try {
      expect(pids).toHaveLength(3);
      for (const pid of pids) expect(isRunning(pid)).toBe(true);

      if (mode === 'sigterm') child.proc.kill('SIGTERM');
      else await writeFile(goFile, '');
      const code = await child.exited;
      expect(code).toBe(expectedCode);
      if (mode === 'sigterm') expect(child.proc.signalCode).toBe('SIGTERM');

      await waitFor(() => pids.every((pid) => !isRunning(pid)), {
        timeoutMs: 5_000,
        what: 'children to die',
      });
      for (const dir of dirs) expect(existsSync(dir)).toBe(false);
      if (mode === 'throw') expect(child.output()).toContain('test blew up');
    } finally {
      // if the assertion failed, do not leak what the fixture started
      for (const pid of pids.filter(isRunning)) process.kill(pid, 'SIGKILL');
      await Promise.all([...dirs, scratch.path].map((dir) => rm(dir, { recursive: true, force: true })));
    }
  });
});
