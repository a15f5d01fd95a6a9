import { freePort, startApp, startMosquitto } from '@wattbus/testkit';

export interface TestBroker {
  url: string;
  stop(): Promise<unknown>;
}

/** The two brokers every pipeline test runs against: our Aedes app and the real mosquitto binary. */
export const BROKERS: Record<'aedes' | 'mosquitto', () => Promise<TestBroker>> = {
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
