import mqtt, { type MqttClient } from 'mqtt';

export interface FluksoSimSensor {
  /** 32 lower-case hex digits. */
  id: string;
  /** Power in W, constant or as a function of the Fluksometer's time (s). */
  power: number | ((ts: number) => number);
  /** Counter at start, Wh. Default 0. */
  counterWh?: number;
}

/**
 * Faults on the next tick's gauge of the first sensor. `nan`: the value is written `nan` (not JSON, as a C printf
 * would). `spike`: 10^9 W. `not-json`: a truncated payload. `wrong-unit`: "L/min", as a water sensor sends.
 */
export type FluksoFault = 'nan' | 'spike' | 'not-json' | 'wrong-unit';

export interface FluksoSimulatorOptions {
  /** Broker the Fluksometer publishes to (on a real one, its own broker on port 1883). */
  url: string;
  sensors: FluksoSimSensor[];
  /** The Fluksometer's clock, ms. Default: Date.now. */
  clock?: () => number;
  username?: string;
  password?: string;
}

/**
 * A Fluksometer's local MQTT output: each `tick` publishes `/sensor/<id>/gauge` `[ts, W, "W"]` and
 * `/sensor/<id>/counter` `[ts, Wh, "Wh"]` for every sensor, the counters integrating the powers.
 */
export class FluksoSimulator {
  private client: MqttClient | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly faults: FluksoFault[] = [];
  private readonly counters = new Map<string, number>();
  private readonly silent = new Set<string>();
  private lastTs: number | undefined;
  private readonly clock: () => number;

  constructor(private readonly options: FluksoSimulatorOptions) {
    this.clock = options.clock ?? Date.now;
    for (const s of options.sensors) this.counters.set(s.id, s.counterWh ?? 0);
  }

  async start(): Promise<void> {
    this.client = await mqtt.connectAsync(this.options.url, {
      clientId: `flukso-sim-${Math.random().toString(16).slice(2, 10)}`,
      username: this.options.username,
      password: this.options.password,
      reconnectPeriod: 1000,
    });
    // mqtt.js reconnects by itself; without a listener, a refused reconnection would throw
    this.client.on('error', () => {});
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    const client = this.client;
    this.client = undefined;
    await client?.endAsync();
  }

  /** Publishes a tick every `everyMs` until stopped (for demos; tests call `tick` themselves). */
  run(everyMs = 1000): void {
    clearInterval(this.timer);
    this.timer = setInterval(() => void this.tick().catch(() => {}), everyMs);
  }

  inject(fault: FluksoFault, times = 1): void {
    for (let i = 0; i < times; i++) this.faults.push(fault);
  }

  /** A silent sensor publishes nothing (a clamp unplugged) until `resume`. */
  silence(id: string): void {
    this.silent.add(id);
  }

  resume(id: string): void {
    this.silent.delete(id);
  }

  /** The counter of a sensor as last published, Wh. */
  counterWh(id: string): number {
    return Math.floor(this.counters.get(id) ?? 0);
  }

  /** Publishes one gauge and one counter per sensor, at the clock's current second; resolves once sent. */
  async tick(): Promise<number> {
    const client = this.client;
    if (!client) throw new Error('Flukso simulator not started');
    const ts = Math.floor(this.clock() / 1000);
    const elapsed = this.lastTs === undefined ? 0 : Math.max(0, ts - this.lastTs);
    this.lastTs = ts;
    const fault = this.faults.shift();
    const sends: Array<Promise<unknown>> = [];
    for (const [i, s] of this.options.sensors.entries()) {
      const watts = typeof s.power === 'function' ? s.power(ts) : s.power;
      this.counters.set(s.id, (this.counters.get(s.id) ?? 0) + (watts * elapsed) / 3600);
      if (this.silent.has(s.id)) continue;
      const gauge = i === 0 && fault ? faulty(fault, ts, watts) : JSON.stringify([ts, watts, 'W']);
      sends.push(client.publishAsync(`/sensor/${s.id}/gauge`, gauge));
      sends.push(client.publishAsync(`/sensor/${s.id}/counter`, JSON.stringify([ts, this.counterWh(s.id), 'Wh'])));
    }
    await Promise.all(sends);
    return ts;
  }
}

function faulty(fault: FluksoFault, ts: number, watts: number): string {
  switch (fault) {
    case 'nan':
      return `[${ts},nan,"W"]`;
    case 'spike':
      return JSON.stringify([ts, 1e9, 'W']);
    case 'not-json':
      return JSON.stringify([ts, watts, 'W']).slice(0, 7);
    case 'wrong-unit':
      return JSON.stringify([ts, watts, 'L/min']);
  }
}
