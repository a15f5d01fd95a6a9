import { readdir, readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { join, resolve } from 'node:path';
import { freePort, type ProcessHandle, startProcess, tempDir, waitFor } from '@wattbus/testkit';
import { afterAll, afterEach, describe, expect, it } from 'vitest';

const DEMO_DIR = resolve(import.meta.dirname, '..');
const SITES = ['flat-brussels', 'house-liege', 'house-ghent'];

/** Runs the real demo (stdout is a pipe here, so it prints plain lines) in its own working directory. */
async function startDemo(port: number, workDir: string): Promise<ProcessHandle> {
  return startProcess(
    process.execPath,
    ['--conditions=wattbus-source', '--import', 'tsx', 'src/main.ts', '--port', String(port)],
    {
      cwd: DEMO_DIR,
      // INFLUX_URL empty: files only, whatever the environment of the test run says
      env: { WATTBUS_DEMO_DIR: workDir, INFLUX_URL: '', FORCE_COLOR: '0' },
    },
  );
}

/** The last plain line printed for `site`, with its grid and consumption power, if it has readings. */
function lastPowers(output: string, site: string): { grid: number; consumption: number; line: string } | undefined {
  const re = new RegExp(`^\\[[\\d:]+\\] ${site} .*\\| grid ([+-]?\\d+) W \\| consumption (\\d+) W \\|.*$`, 'gm');
  const matches = [...output.matchAll(re)];
  const m = matches.at(-1);
  if (!m) return undefined;
  return { grid: Number(m[1]), consumption: Number(m[2]), line: m[0] };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const handles: ProcessHandle[] = [];
const dirs: Array<{ cleanup(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(handles.splice(0).map((h) => h.stop('SIGKILL')));
});
afterAll(async () => {
  await Promise.all(dirs.map((d) => d.cleanup()));
});

describe('pnpm demo (the real thing, as child processes)', () => {
  it('shows readings of all three households, stops cleanly on SIGINT and leaves nothing running', async () => {
    const dir = await tempDir('wattbus-demo-');
    dirs.push(dir);
    const port = await freePort();
    const t0 = Date.now();
    const demo = await startDemo(port, dir.path);
    handles.push(demo);

    await demo.waitForOutput(/wattbus demo: broker mqtt:\/\/127\.0\.0\.1:\d+/, 30_000);
    expect(demo.output()).toContain(`mosquitto_sub -h localhost -p ${port} -t 'wattbus/#' -v`);

    const powers = await waitFor(
      () => {
        const found = SITES.map((site) => lastPowers(demo.output(), site));
        return found.every((f) => f !== undefined) ? found : undefined;
      },
      { timeoutMs: 45_000, intervalMs: 100, what: `readings for ${SITES.join(', ')}\n${demo.output()}` },
    );
    const elapsed = Date.now() - t0;
    console.log(`readings of all sites shown after ${elapsed} ms`);
    for (const p of powers) {
      expect(Number.isFinite(p?.grid)).toBe(true);
      expect(p?.consumption).toBeGreaterThan(0);
    }

    // the children's pids, as the demo records them
    const recorded = await waitFor(async () => {
      const pids = JSON.parse(await readFile(join(dir.path, 'pids.json'), 'utf8')) as {
        children: Record<string, number>;
      };
      return Object.keys(pids.children).length === 6 ? pids.children : undefined;
    });
    const pids = Object.values(recorded);
    expect(pids.every(alive)).toBe(true);

    demo.proc.kill('SIGINT');
    const code = await Promise.race([demo.exited, new Promise((r) => setTimeout(() => r('timeout'), 40_000))]);
    expect(code, demo.output()).toBe(0);

    const output = demo.output();
    expect(output).toContain('shutting down (agents first, broker last)');
    expect(output.indexOf('stopping agent-')).toBeLessThan(output.indexOf('stopping broker'));
    expect(output).toMatch(/readings seen: +\d+ from 3 sites/);
    expect(output).toContain(join(dir.path, 'data'));
    expect(pids.filter(alive)).toEqual([]);
    await expect(readFile(join(dir.path, 'pids.json'))).rejects.toThrow(/ENOENT/);

    const files = await readdir(join(dir.path, 'data'));
    expect(files.some((f) => /^readings-\d{4}-\d\d-\d\d\.jsonl$/.test(f))).toBe(true);
    const logs = await readdir(join(dir.path, 'logs'));
    expect(logs.sort()).toEqual(
      ['alerter', 'broker', 'sink-worker', ...SITES.map((s) => `agent-${s}`)].map((n) => `${n}.log`).sort(),
    );
  });

  it('exits 1 and suggests --port when the port is taken', async () => {
    const dir = await tempDir('wattbus-demo-');
    dirs.push(dir);
    const port = await freePort();
    const server: Server = createServer();
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
    try {
      const demo = await startDemo(port, dir.path);
      handles.push(demo);
      expect(await demo.exited).toBe(1);
      expect(demo.output()).toContain(`port ${port} on 127.0.0.1 is already in use`);
      expect(demo.output()).toContain('--port');
    } finally {
      server.close();
    }
  });
});
