import { type ProcessHandle, startApp } from '@wattbus/testkit';

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  configPath: string;
}

/** Runs the real agent (src/main.ts through tsx) to completion, with stdout and stderr kept apart. */
export async function runAgent(config: object, args: string[]): Promise<Run> {
  const handle: ProcessHandle & { configPath: string } = await startApp('edge-agent', config, {
    args,
    readyWhen: null,
  });
  let stdout = '';
  let stderr = '';
  handle.proc.stdout?.on('data', (c: Buffer) => {
    stdout += c.toString('utf8');
  });
  handle.proc.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString('utf8');
  });
  const closed = new Promise<void>((resolve) => handle.proc.once('close', () => resolve()));
  const code = await handle.exited;
  await closed;
  return { code, stdout, stderr, configPath: handle.configPath };
}
