import { join } from 'node:path';
import { freePort } from './free-port.js';
import { startMosquitto } from './mosquitto.js';
import type { ProcessHandle } from './process.js';
import { tempDir } from './temp-dir.js';
import { startApp } from './wattbus-app.js';

export interface TestBroker {
  url: string;
  /** Stops the broker (cleanly: a persistent broker saves its sessions) and keeps its port and data. */
  down(): Promise<void>;
  /** Starts it again on the same port with the same data. */
  up(): Promise<void>;
  stop(): Promise<unknown>;
}

export interface TestBrokerOptions {
  /**
   * Aedes with LevelDB persistence, so sessions and queued messages survive down()/up() (mosquitto always
   * persists). Off by default: with it, a 10 MB message queued for a persistent session stalls Aedes'
   * deliveries (a known limit of the embedded broker, see docs/security.md).
   */
  persistent?: boolean;
}

async function aedesApp(options: TestBrokerOptions = {}): Promise<TestBroker> {
  const [port, data] = await Promise.all([freePort(), tempDir('wattbus-aedes-')]);
  const config = {
    listeners: { tcp: { host: '127.0.0.1', port } },
    auth: { allow_anonymous: true },
    ...(options.persistent && { persistence: { path: join(data.path, 'db') } }),
  };
  let proc: ProcessHandle | undefined = await startApp('broker', config);
  return {
    url: `mqtt://127.0.0.1:${port}`,
    down: async () => {
      await proc?.stop();
      proc = undefined;
    },
    up: async () => {
      proc = await startApp('broker', config);
    },
    stop: async () => {
      await proc?.stop();
      await data.cleanup();
    },
  };
}

async function mosquitto(): Promise<TestBroker> {
  const m = await startMosquitto();
  return {
    url: m.url,
    down: async () => {
      await m.process().stop('SIGTERM'); // mosquitto writes its persistence file on a clean stop
    },
    up: () => m.restart(),
    stop: () => m.stop(),
  };
}

/** The brokers every wattbus component must work with: our Aedes app (a real process) and real mosquitto. */
export const TEST_BROKERS: Record<'aedes' | 'mosquitto', (options?: TestBrokerOptions) => Promise<TestBroker>> = {
  aedes: aedesApp,
  mosquitto,
};

/** For `describe.each(TEST_BROKER_NAMES)`. */
export const TEST_BROKER_NAMES = Object.keys(TEST_BROKERS) as Array<keyof typeof TEST_BROKERS>;
