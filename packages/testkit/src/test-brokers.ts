import { freePort } from './free-port.js';
import { startMosquitto } from './mosquitto.js';
import { startApp } from './wattbus-app.js';

export interface TestBroker {
  url: string;
  stop(): Promise<unknown>;
}

/** The brokers every wattbus component must work with: our Aedes app (a real process) and real mosquitto. */
export const TEST_BROKERS: Record<'aedes' | 'mosquitto', () => Promise<TestBroker>> = {
  aedes: async () => {
    const port = await freePort();
    const broker = await startApp('broker', {
      listeners: { tcp: { host: '127.0.0.1', port } },
      auth: { allow_anonymous: true },
    });
    return { url: `mqtt://127.0.0.1:${port}`, stop: () => broker.stop() };
  },
  mosquitto: async () => {
    const m = await startMosquitto();
    return { url: m.url, stop: () => m.stop() };
  },
};

/** For `describe.each(TEST_BROKER_NAMES)`. */
export const TEST_BROKER_NAMES = Object.keys(TEST_BROKERS) as Array<keyof typeof TEST_BROKERS>;
