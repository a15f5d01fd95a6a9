import { HttpDeviceSimulator, type SimAnswer, TRANSPORT_FAULTS, type TransportFault } from '../http/index.js';
import type { FluksoSimSensor } from './simulator.js';

/**
 * Faults on the next answer for the first sensor. `nan`: its newest second is "nan" (that answer only). `spike`: its
 * newest second is 10^9 W, and stays so in later answers, as a glitch stored on the device would. `not-json`: an HTML
 * error page instead of the series.
 */
export type FluksoHttpDataFault = 'nan' | 'spike' | 'not-json';
export type FluksoHttpFault = FluksoHttpDataFault | TransportFault;

export interface FluksoHttpSimulatorOptions {
  sensors: FluksoSimSensor[];
  /** The Fluksometer's clock, ms. Default: Date.now. */
  clock?: () => number;
  /** Device time (s) from which the sensors have values; earlier seconds are "nan". Default: the clock at `start`. */
  startTs?: number;
  /** Seconds per answer. Default 60, as a Fluksometer's minute series. */
  seconds?: number;
  port?: number;
}

const SPIKE_W = 1_000_000_000;
const PATH = /^\/sensor\/([0-9a-f]{32})$/;
const QUERY = { version: '1.0', interval: 'minute', unit: 'watt' } as const;

/**
 * A Fluksometer's local HTTP API (port 8080 on a real one): `GET /sensor/<id>?version=1.0&interval=minute&unit=watt`
 * answers the sensor's last 60 one-second powers, `[[ts, W], …]` oldest first, "nan" for a second without data
 * (before the simulator started, or while the sensor is silenced). 404 for an unknown sensor, 400 for another
 * version, interval or unit.
 */
export class FluksoHttpSimulator extends HttpDeviceSimulator<never> {
  private readonly clock: () => number;
  private readonly sensors = new Map<string, FluksoSimSensor>();
  private readonly dataFaults: FluksoHttpDataFault[] = [];
  /** `sensor@ts` of the stored spikes. */
  private readonly spikes = new Set<string>();
  /** Per sensor, the silent spans [from, to] (s, inclusive; to undefined while still silent). */
  private readonly silences = new Map<string, Array<[number, number | undefined]>>();
  private startTs: number | undefined;

  constructor(private readonly options: FluksoHttpSimulatorOptions) {
    super({ port: options.port });
    this.clock = options.clock ?? Date.now;
    this.startTs = options.startTs;
    for (const s of options.sensors) this.sensors.set(s.id, s);
  }

  override async start(): Promise<void> {
    this.startTs ??= this.now();
    await super.start();
  }

  /** Data faults hit the next answer for the first sensor; transport faults the next request, whichever it is. */
  override inject(fault: FluksoHttpFault, times = 1): void {
    if ((TRANSPORT_FAULTS as readonly string[]).includes(fault)) super.inject(fault as TransportFault, times);
    else for (let i = 0; i < times; i++) this.dataFaults.push(fault as FluksoHttpDataFault);
  }

  /** A silent sensor has "nan" from the next second on (a clamp unplugged) until `resume`. */
  silence(id: string): void {
    const spans = this.silences.get(id) ?? [];
    spans.push([this.now() + 1, undefined]);
    this.silences.set(id, spans);
  }

  /** The sensor has values again after the current second. */
  resume(id: string): void {
    const last = this.silences.get(id)?.at(-1);
    if (last && last[1] === undefined) last[1] = this.now();
  }

  /** The power the sensor reports for a device second, W; undefined for "nan". */
  valueAt(id: string, ts: number): number | undefined {
    const sensor = this.sensors.get(id);
    if (!sensor || ts < (this.startTs ?? Number.POSITIVE_INFINITY)) return undefined;
    const silent = (this.silences.get(id) ?? []).some(([from, to]) => ts >= from && (to === undefined || ts <= to));
    if (silent) return undefined;
    if (this.spikes.has(`${id}@${ts}`)) return SPIKE_W;
    return typeof sensor.power === 'function' ? sensor.power(ts) : sensor.power;
  }

  private now(): number {
    return Math.floor(this.clock() / 1000);
  }

  protected answer(url: URL): SimAnswer | undefined {
    const id = PATH.exec(url.pathname)?.[1];
    if (id === undefined || !this.sensors.has(id)) return undefined;
    for (const [name, expected] of Object.entries(QUERY)) {
      const value = url.searchParams.get(name);
      if (value !== expected) {
        return { status: 400, contentType: 'text/plain', body: `bad ${name}: ${value ?? '(missing)'}\n` };
      }
    }
    const now = this.now();
    const fault = id === this.options.sensors[0]?.id ? this.dataFaults.shift() : undefined;
    if (fault === 'not-json') {
      return {
        contentType: 'text/html',
        body: '<html><head><title>Fluksometer</title></head><body>busy</body></html>\n',
      };
    }
    if (fault === 'spike') this.spikes.add(`${id}@${now}`);
    const count = this.options.seconds ?? 60;
    const pairs: Array<[number, number | 'nan']> = [];
    for (let ts = now - count + 1; ts <= now; ts++) pairs.push([ts, this.valueAt(id, ts) ?? 'nan']);
    const newest = pairs.at(-1);
    if (fault === 'nan' && newest) newest[1] = 'nan';
    return { contentType: 'application/json', body: JSON.stringify(pairs) };
  }
}
