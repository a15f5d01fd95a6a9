import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type ProcessHandle, startProcess } from './process.js';
import { tempDir } from './temp-dir.js';

/** The apps of this repository, started from source as real child processes. */
export type WattbusApp =
  | 'broker'
  | 'edge-agent'
  | 'sink-worker'
  | 'alerter'
  | 'demo'
  | 'portal'
  | 'rollup'
  | 'insights';

const READY: Record<WattbusApp, RegExp> = {
  broker: /broker listening/,
  'edge-agent': /agent started/,
  'sink-worker': /"msg":"subscribed"/,
  alerter: /"msg":"subscribed"/,
  demo: /wattbus demo/,
  portal: /portal listening/,
  rollup: /"msg":"subscribed"/,
  insights: /"msg":"subscribed"/,
};

export const REPO_ROOT = resolve(import.meta.dirname, '../../..');

export interface StartAppOptions {
  env?: NodeJS.ProcessEnv;
  /** Extra command-line arguments. */
  args?: string[];
  /** Override the default readiness pattern (a log line); `null` to not wait. */
  readyWhen?: RegExp | null;
}

/**
 * Writes `config` to a temp YAML file (JSON is YAML) and runs the app's `src/main.ts` through tsx, as a
 * separate process, like an operator would run the built bin. Tests spawn apps instead of importing them,
 * so the wiring, the CLI and the config loading are what is tested.
 */
export async function startApp(
  app: WattbusApp,
  config: object,
  options: StartAppOptions = {},
): Promise<ProcessHandle & { configPath: string }> {
  const dir = await tempDir(`wattbus-${app}-`);
  const configPath = join(dir.path, 'config.yaml');
  await writeFile(configPath, JSON.stringify(config, null, 2));
  const cwd = join(REPO_ROOT, 'apps', app);
  const ready = options.readyWhen === undefined ? READY[app] : options.readyWhen;
  const handle = await startProcess(
    process.execPath,
    ['--conditions=wattbus-source', '--import', 'tsx', 'src/main.ts', '--config', configPath, ...(options.args ?? [])],
    { cwd, env: { LOG_LEVEL: 'info', ...options.env }, ...(ready && { readyWhen: ready }), readyTimeoutMs: 30_000 },
  );
  return Object.assign(handle, { configPath });
}
