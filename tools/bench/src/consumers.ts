// The reference consumers the sink worker is compared with, shared by `pnpm bench:sink` (backlog drain)
// and `pnpm bench` (end to end, tools/bench/src/e2e.bench.ts).
import { filters, type Reading } from '@wattbus/contract';
import { HouseholdFleet, runLoad } from '@wattbus/loadgen-core';
import { toLine } from '@wattbus/sinks';
import mqtt, { type MqttClient } from 'mqtt';
import { LeanPublisher } from './lean-publisher.js';

export interface ConsumerOptions {
  url: string;
  clientId: string;
  /** false (default) = persistent session, so a backlog queued while away is delivered. */
  clean?: boolean;
}

export interface ConsumerHandle {
  client: MqttClient;
  /** Messages handled so far (received, or written for the naive consumer). */
  count(): number;
  /** performance.now() of the first and the latest handled message. */
  firstAt: number | undefined;
  lastAt: number | undefined;
  /** Resolves once `n` messages have been handled. */
  reached(n: number): Promise<void>;
  stop(): Promise<void>;
}

function tracker(): Pick<ConsumerHandle, 'count' | 'reached' | 'firstAt' | 'lastAt'> & { tick(): void } {
  let n = 0;
  const waiters: { n: number; resolve: () => void }[] = [];
  const state = {
    firstAt: undefined as number | undefined,
    lastAt: undefined as number | undefined,
    count: () => n,
    tick() {
      n++;
      const now = performance.now();
      state.firstAt ??= now;
      state.lastAt = now;
      for (let i = waiters.length - 1; i >= 0; i--) {
        const w = waiters[i];
        if (w && n >= w.n) {
          waiters.splice(i, 1);
          w.resolve();
        }
      }
    },
    reached: (target: number) =>
      n >= target ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ n: target, resolve })),
  };
  return state;
}

async function connect(options: ConsumerOptions): Promise<MqttClient> {
  return mqtt.connectAsync(options.url, { clientId: options.clientId, clean: options.clean ?? false });
}

function connected(client: MqttClient): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
  });
}

/** `ts` of a Reading payload without a full JSON.parse (the ceiling should do as little as possible). */
export function payloadTs(payload: Buffer): number {
  const at = payload.indexOf('"ts":');
  if (at < 0) return Number.NaN;
  let ts = 0;
  for (let i = at + 5; i < payload.length; i++) {
    const c = payload[i] as number;
    if (c < 48 || c > 57) break;
    ts = ts * 10 + (c - 48);
  }
  return ts;
}

/**
 * The ceiling: a raw mqtt.js QoS1 subscriber that writes nothing. mqtt.js PUBACKs each message once its
 * 'message' listeners ran. `onMessage` (optional) sees each payload with its arrival time (Date.now()).
 */
export async function startRawSubscriber(
  options: ConsumerOptions & { onMessage?: (payload: Buffer, arrivedAt: number) => void },
): Promise<ConsumerHandle> {
  const t = tracker();
  const { onMessage } = options;
  // Listen before connecting: a resumed session's messages can arrive with the CONNACK.
  const client = mqtt.connect(options.url, { clientId: options.clientId, clean: options.clean ?? false });
  client.on('message', (_topic, payload) => {
    onMessage?.(payload, Date.now());
    t.tick();
  });
  await connected(client);
  await client.subscribeAsync(filters.readings, { qos: 1 });
  return Object.assign(t, { client, stop: () => client.endAsync() });
}

/**
 * A naive consumer like prior-art 003's: one InfluxDB write per message (the same line the sink writes),
 * then its PUBACK; mqtt.js reads the next message only after that, so writes are one at a time.
 */
export async function startNaiveConsumer(
  options: ConsumerOptions & { influxUrl: string; db: string },
): Promise<ConsumerHandle> {
  const t = tracker();
  const writeUrl = `${options.influxUrl}/write?db=${encodeURIComponent(options.db)}&precision=ms`;
  const client = mqtt.connect(options.url, { clientId: options.clientId, clean: options.clean ?? false });
  client.handleMessage = (packet, callback) => {
    const reading = JSON.parse(packet.payload.toString()) as Reading;
    fetch(writeUrl, { method: 'POST', body: toLine(reading) }).then(
      async (res) => {
        await res.body?.cancel();
        if (res.status === 204) t.tick();
        callback();
      },
      (err: Error) => callback(err),
    );
  };
  await connected(client);
  await client.subscribeAsync(filters.readings, { qos: 1 });
  return Object.assign(t, { client, stop: () => client.endAsync() });
}

/** Creates the persistent session `clientId` (subscribed to every reading) and leaves it offline. */
export async function createSession(url: string, clientId: string): Promise<void> {
  const client = await connect({ url, clientId, clean: false });
  await client.subscribeAsync(filters.readings, { qos: 1 });
  await client.endAsync();
}

/** Deletes the session `clientId` and whatever the broker still queues for it. */
export async function dropSession(url: string, clientId: string): Promise<void> {
  const client = await connect({ url, clientId, clean: true });
  await client.endAsync();
}

/**
 * Queues `count` readings of `households` simulated households at the broker for the offline persistent
 * session `clientId` (created here), published as fast as PUBACKs allow by the load generator.
 */
export async function queueBacklog(
  url: string,
  clientId: string,
  count: number,
  options: { households?: number; sitePrefix?: string; onReading?: (r: Reading) => void } = {},
): Promise<void> {
  await createSession(url, clientId);
  const pub = await LeanPublisher.connect(url, `${clientId}-backlog`);
  const fleet = new HouseholdFleet({
    households: options.households ?? 1000,
    sitePrefix: options.sitePrefix ?? 'load',
  });
  const summary = await runLoad({
    fleet,
    client: pub,
    rate: Number.POSITIVE_INFINITY,
    count,
    window: 2000,
    ...(options.onReading && { onReading: options.onReading }),
  });
  await pub.end();
  if (summary.acked !== count) throw new Error(`backlog for ${clientId}: ${summary.acked} of ${count} acked`);
  process.stderr.write(`queued ${count} readings for ${clientId}\n`);
}
