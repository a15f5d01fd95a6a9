import { join, resolve } from 'node:path';

/** The repository root: this file is apps/demo/src/paths.ts. */
export const REPO_ROOT = resolve(import.meta.dirname, '../../..');

/** The apps the demo starts, each from its own folder. */
export type AppName = 'broker' | 'edge-agent' | 'sink-worker' | 'alerter';

export interface DemoPaths {
  /** `<repo>/.demo`, or WATTBUS_DEMO_DIR. */
  root: string;
  config: string;
  logs: string;
  data: string;
  state: string;
  /** JSON file listing the pids of the running children (removed after a clean stop). */
  pids: string;
}

export function demoPaths(env: NodeJS.ProcessEnv = process.env, repoRoot = REPO_ROOT): DemoPaths {
  const root = env.WATTBUS_DEMO_DIR ? resolve(env.WATTBUS_DEMO_DIR) : join(repoRoot, '.demo');
  return {
    root,
    config: join(root, 'config'),
    logs: join(root, 'logs'),
    data: join(root, 'data'),
    state: join(root, 'state'),
    pids: join(root, 'pids.json'),
  };
}

export const appDir = (app: AppName, repoRoot = REPO_ROOT) => join(repoRoot, 'apps', app);
