import { join } from 'node:path';
import {
  isAddressInUse,
  type ProcessHandle,
  retryWhileAddressInUse,
  type ServiceControls,
  stablePort,
  startApp,
  startInfluxd,
  startMosquitto,
  tempDir,
  type WattbusApp,
} from '@wattbus/testkit';

/** A real process the suite can crash, freeze and bring back, always with the same ports and data. */
export interface Faultable {
  name: string;
  /** SIGKILL: no chance to save anything. */
  kill9(): Promise<void>;
  /** SIGTERM and wait: a clean stop (a persistent broker saves its state). */
  down(): Promise<void>;
  /** Starts it again (after kill9 or down). */
  up(): Promise<void>;
  /** SIGSTOP / SIGCONT: frozen, its sockets open but silent (a network partition as peers see it). */
  freeze(): void;
  thaw(): void;
  /** Stops it for good and removes its data. */
  dispose(): Promise<void>;
  output(): string;
}

function signal(proc: ProcessHandle | undefined, sig: NodeJS.Signals): void {
  if (proc && proc.proc.exitCode === null && proc.proc.signalCode === null) proc.proc.kill(sig);
}

/** One of our apps as a child process with a fixed config (so a restart resumes the same session and state). */
export async function app(name: string, which: WattbusApp, config: object): Promise<Faultable> {
  let proc: ProcessHandle | undefined = await startApp(which, config);
  return {
    name,
    kill9: async () => {
      await proc?.kill9();
    },
    down: async () => {
      await proc?.stop('SIGTERM', 15_000);
    },
    up: async () => {
      await proc?.stop('SIGTERM'); // no-op when it is already gone
      proc = await retryWhileAddressInUse(() => startApp(which, config));
    },
    freeze: () => signal(proc, 'SIGSTOP'),
    thaw: () => signal(proc, 'SIGCONT'),
    dispose: async () => {
      signal(proc, 'SIGCONT');
      await proc?.stop('SIGTERM', 5_000);
      proc = undefined;
    },
    output: () => proc?.output() ?? '',
  };
}

/** A server testkit started (mosquitto, influxd): its ServiceControls, plus freeze and a clean stop. */
function server(name: string, s: ServiceControls): Faultable {
  return {
    name,
    kill9: () => s.kill9(),
    down: async () => {
      await s.process().stop('SIGTERM', 15_000);
    },
    up: () => s.restart(),
    freeze: () => signal(s.process(), 'SIGSTOP'),
    thaw: () => signal(s.process(), 'SIGCONT'),
    dispose: async () => {
      signal(s.process(), 'SIGCONT');
      await s.stop();
    },
    output: () => s.output(),
  };
}

export type BrokerKind = 'mosquitto' | 'aedes-persistent';

export interface FaultableBroker extends Faultable {
  url: string;
}

/** Starts a server on a stablePort() (restarts keep it), with another port if that one was taken meanwhile. */
async function onStablePort<T>(start: (port: number) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start(await stablePort());
    } catch (err) {
      if (attempt >= 3 || !isAddressInUse(err)) throw err;
    }
  }
}

/**
 * Mosquitto with persistence (its testkit defaults: `persistence true`, saved on a clean stop, plus
 * `extraConfig`), or our Aedes broker app with LevelDB persistence.
 */
export async function broker(kind: BrokerKind, extraConfig?: string): Promise<FaultableBroker> {
  if (kind === 'mosquitto') {
    const m = await onStablePort((port) => startMosquitto({ port, ...(extraConfig && { extraConfig }) }));
    return { ...server(kind, m), url: m.url };
  }
  const data = await tempDir('wattbus-faults-aedes-');
  const config = (port: number) => ({
    listeners: { tcp: { host: '127.0.0.1', port } },
    auth: { allow_anonymous: true },
    persistence: { path: join(data.path, 'db') },
  });
  const inner = await onStablePort(async (port) => Object.assign(await app(kind, 'broker', config(port)), { port }));
  return {
    ...inner,
    url: `mqtt://127.0.0.1:${inner.port}`,
    dispose: async () => {
      await inner.dispose();
      await data.cleanup();
    },
  };
}

export async function influxd(): Promise<Faultable & Awaited<ReturnType<typeof startInfluxd>>> {
  const influx = await onStablePort(async (httpPort) => startInfluxd({ httpPort, rpcPort: await stablePort() }));
  return { ...influx, ...server('influxd', influx) };
}
