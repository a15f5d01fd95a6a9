import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, closeSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type AppName, appDir } from './paths.js';

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * One app of the demo running as its own process: `node --conditions=wattbus-source --import tsx src/main.ts
 * --config <file>` in its app folder, stdout and stderr appended to `logs/<name>.log`.
 *
 * Children get their own process group (detached), so the Ctrl-C typed in the terminal reaches the demo
 * only, and the demo stops them in order: agents first, broker last.
 */
export class Child {
  readonly proc: ChildProcess;
  readonly exited: Promise<ChildExit>;
  private exitInfo: ChildExit | undefined;

  constructor(
    readonly name: string,
    readonly app: AppName,
    readonly configFile: string,
    readonly logFile: string,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    const fd = openSync(logFile, 'w');
    try {
      this.proc = spawn(
        process.execPath,
        ['--conditions=wattbus-source', '--import', 'tsx', 'src/main.ts', '--config', configFile],
        { cwd: appDir(app), env, stdio: ['ignore', fd, fd], detached: true },
      );
    } finally {
      closeSync(fd);
    }
    this.exited = new Promise((resolve) => {
      this.proc.once('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        resolve(this.exitInfo);
      });
      // a failed spawn emits 'error' and never 'exit' (a failed kill emits it too: keep listening)
      this.proc.on('error', (err) => {
        if (this.exitInfo) return;
        if (this.proc.pid !== undefined) return; // running: a failed kill, nothing to do
        this.exitInfo = { code: null, signal: null };
        appendNote(logFile, `demo: could not start ${name}: ${err.message}`);
        resolve(this.exitInfo);
      });
    });
  }

  get pid(): number | undefined {
    return this.proc.pid;
  }

  get running(): boolean {
    return this.exitInfo === undefined;
  }

  /** `code 1` or `signal SIGKILL`. */
  describeExit(): string {
    const e = this.exitInfo;
    if (!e) return 'still running';
    return e.signal ? `signal ${e.signal}` : `code ${String(e.code)}`;
  }

  log(): string {
    try {
      return readFileSync(this.logFile, 'utf8');
    } catch {
      return '';
    }
  }

  /** The last `n` lines of the log, for error messages. */
  logTail(n = 8): string {
    const lines = this.log().trimEnd().split('\n');
    return lines.slice(-n).join('\n');
  }

  /** Waits until the log matches `pattern`; rejects if the child exits first or after `timeoutMs`. */
  async waitForLog(pattern: RegExp, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(this.log())) {
      if (!this.running) throw new Error(`${this.name} exited (${this.describeExit()}) before it was ready`);
      if (Date.now() > deadline) throw new Error(`${this.name} not ready after ${timeoutMs / 1000} s`);
      await sleep(50);
    }
  }

  /** SIGTERM (the apps stop cleanly on it), SIGKILL after `timeoutMs`; resolves once the process is gone. */
  async stop(timeoutMs = 15_000): Promise<ChildExit> {
    if (!this.running) return this.exited;
    this.signal('SIGTERM');
    const timer = setTimeout(() => this.signal('SIGKILL'), timeoutMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  signal(signal: NodeJS.Signals): void {
    if (!this.running) return;
    try {
      this.proc.kill(signal);
    } catch {
      // already gone
    }
  }
}

function appendNote(file: string, line: string): void {
  try {
    appendFileSync(file, `${line}\n`);
  } catch {
    // best effort
  }
}

/** Whether a process with this pid exists (and may be signalled by us). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Records the children's pids so a later run (or a test) can find them. */
export function writePidFile(file: string, children: readonly Child[]): void {
  const pids = Object.fromEntries(children.filter((c) => c.pid !== undefined).map((c) => [c.name, c.pid]));
  // synchronous and renamed into place: concurrent starts never interleave, readers never see half a file
  writeFileSync(`${file}.tmp`, `${JSON.stringify({ demo: process.pid, children: pids }, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}

export async function removePidFile(file: string): Promise<void> {
  await rm(file, { force: true });
}

function commandLine(pid: number): string | undefined {
  try {
    return readFileSync(join('/proc', String(pid), 'cmdline'), 'utf8').replaceAll('\0', ' ');
  } catch {
    return undefined;
  }
}

/**
 * Stops children a previous run left behind (it was killed before it could stop them): pids from the pid
 * file whose command line still names a config file of this demo directory. Returns the names stopped.
 */
export async function stopLeftovers(pidFile: string, configDir: string): Promise<string[]> {
  let recorded: { children?: Record<string, number> };
  try {
    recorded = JSON.parse(await readFile(pidFile, 'utf8'));
  } catch {
    return [];
  }
  const ours = Object.entries(recorded.children ?? {}).filter(
    ([, pid]) => Number.isInteger(pid) && isAlive(pid) && commandLine(pid)?.includes(configDir) === true,
  );
  for (const [, pid] of ours) process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 5000;
  while (ours.some(([, pid]) => isAlive(pid)) && Date.now() < deadline) await sleep(100);
  for (const [, pid] of ours) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  await removePidFile(pidFile);
  return ours.map(([name]) => name);
}
