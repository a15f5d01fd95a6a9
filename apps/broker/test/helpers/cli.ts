import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '@wattbus/testkit';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Starts `wattbus-broker <args>` from source, as a process. `terminal`: a file descriptor for its stdin and
 * stderr (a pseudo-terminal); without it both are pipes.
 */
export function spawnBrokerCli(args: string[], terminal?: number) {
  const child = spawn(process.execPath, ['--conditions=wattbus-source', '--import', 'tsx', 'src/main.ts', ...args], {
    cwd: join(REPO_ROOT, 'apps/broker'),
    stdio: [terminal ?? 'pipe', 'pipe', terminal ?? 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => {
    stdout += d;
  });
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  const result = new Promise<CliResult>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
  return { child, result };
}

/** Runs `wattbus-broker <args>` with `stdin` piped in (not a terminal). */
export function runBrokerCli(args: string[], stdin = ''): Promise<CliResult> {
  const { child, result } = spawnBrokerCli(args);
  child.stdin?.end(stdin);
  return result;
}
