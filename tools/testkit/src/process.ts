import { type ChildProcess, spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { onProcessExit } from './cleanup.js';
import { waitFor } from './wait-for.js';

export interface StartProcessOptions {
  /** Extra environment variables, merged over process.env. */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Resolve only once the combined stdout+stderr output matches this. */
  readyWhen?: RegExp;
  /** How long to wait for `readyWhen`. Default 15000. */
  readyTimeoutMs?: number;
}

export interface ProcessHandle {
  proc: ChildProcess;
  /** Everything the process printed so far (stdout and stderr interleaved as received). */
  output(): string;
  /** Resolves with the exit code (null if killed by a signal) once the process has exited. */
  exited: Promise<number | null>;
  /** Sends `signal`, escalates to SIGKILL after `timeoutMs`, resolves with the exit code. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | null>;
  /** SIGKILL and wait for the process to be gone. */
  kill9(): Promise<void>;
  /** Waits until the output (from the start) matches `pattern`; returns the match. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
}

/** Processes started by this module that have not exited yet. */
const running = new Set<ChildProcess>();

function killAllSync(): void {
  for (const proc of running) {
    try {
      proc.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
}

let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  onProcessExit(killAllSync);
  // onProcessExit hooks are one-shot; keep a plain exit listener as well in case the hook ran early.
  process.on('exit', killAllSync);
}

/** Number of processes started via startProcess that are still running (for tests). */
export function runningProcessCount(): number {
  return running.size;
}

/** Stops every process started via startProcess that is still running (SIGTERM, then SIGKILL). */
export async function stopAllProcesses(timeoutMs = 5_000): Promise<void> {
  await Promise.all([...running].map((proc) => stopChild(proc, 'SIGTERM', timeoutMs)));
}

function exitPromise(proc: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) {
      resolve(proc.exitCode);
      return;
    }
    proc.once('exit', (code) => resolve(code));
  });
}

async function stopChild(proc: ChildProcess, signal: NodeJS.Signals, timeoutMs: number): Promise<number | null> {
  const exited = exitPromise(proc);
  if (proc.exitCode !== null || proc.signalCode !== null) return exited;
  proc.kill(signal);
  let timer: NodeJS.Timeout | undefined;
  const escalate = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      proc.kill('SIGKILL');
      resolve();
    }, timeoutMs);
  });
  try {
    await Promise.race([exited, escalate]);
  } finally {
    clearTimeout(timer);
  }
  return exited;
}

function describeExit(proc: ChildProcess): string {
  return proc.signalCode !== null ? `signal ${proc.signalCode}` : `code ${String(proc.exitCode)}`;
}

/**
 * Spawns `cmd args` (not detached, stdin ignored), captures stdout+stderr, and resolves once it is
 * ready (`readyWhen` matched, or immediately after spawn). Rejects with the captured output if it
 * exits or times out before that. Every process is SIGKILLed at test-process exit if still running.
 */
export async function startProcess(
  cmd: string,
  args: readonly string[] = [],
  { env, cwd, readyWhen, readyTimeoutMs = 15_000 }: StartProcessOptions = {},
): Promise<ProcessHandle> {
  installExitHook();
  const proc = spawn(cmd, args, {
    cwd,
    env: { ...process.env, ...env },
    detached: false,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const label = [cmd, ...args].join(' ');
  let out = '';
  const append = (chunk: Buffer) => {
    out += chunk.toString('utf8');
  };
  proc.stdout?.on('data', append);
  proc.stderr?.on('data', append);
  // An 'error' event without a listener would crash the test process (e.g. a failed kill()).
  proc.on('error', (err) => {
    out += `\n[testkit] ${label}: ${err.message}\n`;
  });
  const closed = new Promise<void>((resolve) => proc.once('close', () => resolve()));

  running.add(proc);
  const exited = exitPromise(proc);
  proc.once('exit', () => running.delete(proc));

  const handle: ProcessHandle = {
    proc,
    output: () => out,
    exited,
    stop: (signal = 'SIGTERM', timeoutMs = 10_000) => stopChild(proc, signal, timeoutMs),
    kill9: async () => {
      await stopChild(proc, 'SIGKILL', 10_000);
    },
    waitForOutput: async (pattern, timeoutMs = 15_000) => {
      const re = new RegExp(pattern.source, pattern.flags.replace('g', ''));
      return waitFor(() => out.match(re), { timeoutMs, what: `${pattern} in output of ${label}` });
    },
  };

  const spawned = new Promise<void>((resolve, reject) => {
    proc.once('spawn', resolve);
    proc.once('error', (err) => {
      running.delete(proc);
      reject(new Error(`failed to start ${label}: ${err.message}`, { cause: err }));
    });
  });
  await spawned;
  if (!readyWhen) return handle;

  const isReady = () => out.search(readyWhen) !== -1;
  let gaveUp = false;
  // On exit, let the pipes deliver the last lines before judging readiness / quoting the output.
  const exitedAndFlushed = exited.then(() => Promise.race([closed, sleep(500)]));
  try {
    await Promise.race([
      waitFor(() => gaveUp || isReady(), {
        timeoutMs: readyTimeoutMs,
        intervalMs: 20,
        what: `${readyWhen} in output of ${label}`,
      }),
      exitedAndFlushed,
    ]);
  } catch (err) {
    await handle.kill9();
    throw new Error(`${(err as Error).message}\n--- output of ${label} ---\n${out}`, { cause: err });
  } finally {
    gaveUp = true;
  }
  if (!isReady()) {
    throw new Error(
      `${label} exited (${describeExit(proc)}) before becoming ready (${readyWhen})\n--- output ---\n${out}`,
    );
  }
  return handle;
}
