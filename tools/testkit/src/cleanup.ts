/**
 * Last-resort cleanup for everything testkit starts.
 *
 * Tests should stop what they start (afterEach/afterAll), but if a test fails or forgets,
 * the synchronous hooks registered here run when the test process exits — including when the
 * vitest fork worker is terminated with SIGTERM (tinypool does that), where a plain
 * `process.on('exit')` would never fire.
 */

type SyncCleanup = () => void;

const cleanups = new Set<SyncCleanup>();
let installed = false;

function runAll(): void {
  for (const fn of [...cleanups]) {
    cleanups.delete(fn);
    try {
      fn();
    } catch {
      // best effort: never throw from an exit hook
    }
  }
}

const SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP'];

function onSignal(signal: NodeJS.Signals): void {
  // Only we were listening: that means the default action (terminate) was expected.
  // Remove ourselves and re-raise so the process still dies from the signal.
  const onlyUs = process.listenerCount(signal) === 1;
  runAll();
  if (onlyUs) {
    for (const s of SIGNALS) process.removeListener(s, onSignal);
    process.kill(process.pid, signal);
  }
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', runAll);
  for (const s of SIGNALS) process.on(s, onSignal);
}

/** Registers a synchronous hook run at process exit. Returns a function that unregisters it. */
export function onProcessExit(fn: SyncCleanup): () => void {
  install();
  cleanups.add(fn);
  return () => {
    cleanups.delete(fn);
  };
}
