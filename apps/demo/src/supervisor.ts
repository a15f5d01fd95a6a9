import { join } from 'node:path';
import type { ChildSpec } from './configs.js';
import type { AppName, DemoPaths } from './paths.js';
import { Child, removePidFile, writePidFile } from './processes.js';

/** Why the demo stops: a signal, or a child that exited on its own. */
export type StopReason =
  | { kind: 'signal'; signal: NodeJS.Signals }
  | { kind: 'crash'; child: Child }
  | { kind: 'error'; message: string };

/** Stop order: the producers first, so every reading they sent is consumed and written; the broker last. */
export const STOP_ORDER: readonly AppName[] = ['edge-agent', 'sink-worker', 'alerter', 'broker'];

/** Starts the demo's children, notices one that dies, and stops them all in order. */
export class Supervisor {
  readonly children: Child[] = [];
  stopping = false;
  /** Resolves with the first reason to stop. */
  readonly stopRequested: Promise<StopReason>;
  private request!: (reason: StopReason) => void;

  constructor(
    private readonly paths: DemoPaths,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    this.stopRequested = new Promise((resolve) => {
      this.request = resolve;
    });
  }

  requestStop(reason: StopReason): void {
    this.request(reason);
  }

  start(spec: ChildSpec, configFile: string): Child {
    if (this.stopping) throw new Error(`not starting ${spec.name}: the demo is stopping`);
    const child = new Child(spec.name, spec.app, configFile, join(this.paths.logs, `${spec.name}.log`), this.env);
    this.children.push(child);
    void child.exited.then(() => {
      if (!this.stopping) this.request({ kind: 'crash', child });
    });
    writePidFile(this.paths.pids, this.children);
    return child;
  }

  /**
   * SIGTERM by group in STOP_ORDER, each group awaited before the next; `progress` is told each step and
   * `beforeBroker` runs just before the broker is stopped.
   */
  async stopAll(progress: (text: string) => void = () => {}, beforeBroker: () => Promise<void> = async () => {}) {
    this.stopping = true;
    for (const app of STOP_ORDER) {
      if (app === 'broker') await beforeBroker();
      const group = this.children.filter((c) => c.app === app && c.running);
      if (group.length === 0) continue;
      progress(`stopping ${group.map((c) => c.name).join(', ')}`);
      const exits = await Promise.all(group.map((c) => c.stop()));
      const unclean = group.filter((_, i) => exits[i]?.code !== 0);
      for (const c of unclean) progress(`  ${c.name} exited with ${c.describeExit()} (log: ${c.logFile})`);
    }
    await removePidFile(this.paths.pids);
  }

  /** Last resort at process exit: SIGKILL whatever still runs (synchronous). */
  killAllSync(): void {
    for (const c of this.children) c.signal('SIGKILL');
  }
}
