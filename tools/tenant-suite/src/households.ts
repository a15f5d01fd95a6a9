import type { Info, Reading } from '@wattbus/contract';
import mqtt, { type MqttClient } from 'mqtt';

export const GOOD = 'house-13';
export const OTHER = 'house-14';
const CHANNELS = [
  { id: 'c1', role: 'consumption' },
  { id: 'c2', role: 'production' },
  { id: 'c3', role: 'grid' },
] as const;

export interface Login {
  url: string;
  username: string;
  password: string;
  /** The CA of the broker's certificate, for the TLS and WebSocket listeners households use. */
  ca?: Buffer;
}

const connect = (login: Login, clientId: string, extra: mqtt.IClientOptions = {}) =>
  mqtt.connectAsync(login.url, {
    username: login.username,
    password: login.password,
    ...(login.ca && { ca: login.ca }),
    clientId,
    reconnectPeriod: 500,
    connectTimeout: 10_000,
    ...extra,
  });

/**
 * The well-behaved household: like an agent, a persistent session, retained info and status (its Will says
 * offline), and 3 channels at 5 readings/s, each QoS1 and sent again by mqtt.js until the broker acknowledges it.
 * `negative()` turns its consumption below zero, which the alerter's `sign` rule must raise.
 */
export class GoodHousehold {
  readonly sent: Reading[] = [];
  private readonly pending = new Set<Promise<unknown>>();
  private timer: NodeJS.Timeout | undefined;
  private seq = 0;
  private consumptionW = 400;
  unacked = 0;

  private constructor(private readonly client: MqttClient) {}

  static async start(login: Login): Promise<GoodHousehold> {
    const status = (state: 'online' | 'offline') => JSON.stringify({ v: 1, state, ts: Date.now(), agent: 'tenants' });
    const client = await connect(login, `${GOOD}-agent`, {
      clean: false,
      will: { topic: `wattbus/v1/${GOOD}/status`, payload: Buffer.from(status('offline')), qos: 1, retain: true },
    });
    const info: Info = {
      v: 1,
      site: GOOD,
      ts: Date.now(),
      name: 'House 13',
      tags: { city: 'Liège', postcode: '4000' },
      meters: [{ id: 'main', driver: 'simulated', interval_ms: 200, channels: CHANNELS.map((c) => ({ ...c })) }],
    };
    await client.publishAsync(`wattbus/v1/${GOOD}/info`, JSON.stringify(info), { qos: 1, retain: true });
    await client.publishAsync(`wattbus/v1/${GOOD}/status`, status('online'), { qos: 1, retain: true });
    const h = new GoodHousehold(client);
    h.timer = setInterval(() => h.tick(), 200);
    return h;
  }

  private tick(): void {
    this.seq++;
    const ts = Date.now();
    for (const c of CHANNELS) {
      const power_w = c.role === 'consumption' ? this.consumptionW : c.role === 'production' ? -1500 : -1100;
      const reading: Reading = {
        v: 1,
        site: GOOD,
        meter: 'main',
        channel: c.id,
        role: c.role,
        seq: this.seq,
        ts,
        values: { power_w },
        labels: {},
      };
      this.sent.push(reading);
      const p = this.client.publishAsync(`wattbus/v1/${GOOD}/main/reading`, JSON.stringify(reading), { qos: 1 });
      this.pending.add(p);
      p.then(
        () => this.pending.delete(p),
        () => this.pending.delete(p),
      );
    }
  }

  /** From now on consumption is −500 W: a meter wired the wrong way round, for the `sign` rule. */
  negative(): void {
    this.consumptionW = -500;
  }

  /** Stops the stream and waits (at most `timeoutMs`) until every reading is acknowledged by the broker. */
  async stop(timeoutMs = 30_000): Promise<void> {
    clearInterval(this.timer);
    const deadline = Date.now() + timeoutMs;
    while (this.pending.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    this.unacked = this.pending.size;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.client.endAsync(true).catch(() => {});
  }
}

/**
 * The unrelated pair: house-14 publishes a reading every 50 ms and its dashboard user reads them. The delay from
 * publish (the reading's ts) to receipt shows whether one tenant's attack slows everybody else down.
 */
export class OtherPair {
  /** [ts of the reading, ms until it arrived] */
  readonly delays: Array<[number, number]> = [];
  private timer: NodeJS.Timeout | undefined;
  private seq = 0;
  readonly sent: number[] = [];

  private constructor(
    private readonly publisher: MqttClient,
    private readonly reader: MqttClient,
  ) {}

  static async start(agent: Login, dashboard: Login): Promise<OtherPair> {
    const reader = await connect(dashboard, `${dashboard.username}-tenants`);
    const publisher = await connect(agent, `${OTHER}-agent`);
    const pair = new OtherPair(publisher, reader);
    reader.on('message', (_topic, payload) => {
      const ts = (JSON.parse(payload.toString()) as Reading).ts;
      pair.delays.push([ts, Date.now() - ts]);
    });
    await reader.subscribeAsync(`wattbus/v1/${OTHER}/+/reading`, { qos: 1 });
    pair.timer = setInterval(() => {
      const ts = Date.now();
      const reading: Reading = {
        v: 1,
        site: OTHER,
        meter: 'main',
        channel: 'lat',
        role: 'other',
        seq: ++pair.seq,
        ts,
        values: { power_w: 1 },
        labels: {},
      };
      pair.sent.push(ts);
      publisher.publish(`wattbus/v1/${OTHER}/main/reading`, JSON.stringify(reading), { qos: 1 });
    }, 50);
    return pair;
  }

  /** p50 and p99 of the delays of readings published within [from, to]. */
  percentiles(from: number, to: number): { p50: number; p99: number; count: number } {
    const d = this.delays
      .filter(([ts]) => ts >= from && ts <= to)
      .map(([, ms]) => ms)
      .sort((a, b) => a - b);
    const at = (q: number) => d[Math.min(d.length - 1, Math.floor(q * d.length))] ?? Number.NaN;
    return { p50: at(0.5), p99: at(0.99), count: d.length };
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await Promise.allSettled([this.publisher.endAsync(true), this.reader.endAsync(true)]);
  }
}
