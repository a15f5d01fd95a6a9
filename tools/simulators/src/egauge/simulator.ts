import type { Credentials } from '@wattbus/meter-wire/digest';
import { HttpDeviceSimulator, type SimAnswer, type TransportFault } from '../http/index.js';
import { historyXml, type InstantRegister, instantaneousXml } from './simulator-xml.js';

/** Register types the simulator stores, with the unit of their totals per second of the rate's unit. */
const TOTAL_PER_UNIT_SECOND = { P: 1, S: 1, V: 1000, I: 1000, F: 1000 } as const;
export type EgaugeSimType = keyof typeof TOTAL_PER_UNIT_SECOND;

export interface EgaugeSimRegister {
  name: string;
  type: EgaugeSimType;
  /** Value in W, VA, V, A or Hz, constant or as a function of device time (s). */
  rate: number | ((ts: number) => number);
  /** Total at the first stored row, in the register's total unit (W·s, mV·s…). Default: a plausible large one. */
  initialTotal?: bigint;
}

/**
 * Faults on the stored data or on one answer. `nan`: the newest row (or instantaneous value) of the next answer carries
 * "NaN" for the first register (that answer only). `spike`: the newest stored row of the first register jumps by 10^12 (W·s…), and the
 * series goes on from there, as a glitching meter would. `reset`: every total restarts from 0 at the newest stored
 * row. `not-xml`: an HTML page instead of XML.
 */
export type EgaugeDataFault = 'nan' | 'spike' | 'reset' | 'not-xml';
export type EgaugeFault = EgaugeDataFault | TransportFault;

export interface EgaugeSimulatorOptions {
  registers: EgaugeSimRegister[];
  /** Device clock, ms since epoch. Default: Date.now. */
  clock?: () => number;
  /** One-second rows kept (a real eGauge keeps about an hour of them). Default 3600. */
  keepSeconds?: number;
  /** Rows start this many seconds before the first request. Default 600. */
  backfillSeconds?: number;
  serial?: string;
  /** Require HTTP Digest authentication, as eGauge meters do when their data is protected. */
  credentials?: Credentials;
  port?: number;
}

const SPIKE = 1_000_000_000_000n;

/**
 * An eGauge on a local port, speaking its XML API: `/cgi-bin/egauge-show` (stored one-second rows of register
 * totals, newest first; parameters S, m, n, s, f, t) and `/cgi-bin/egauge?inst&tot`. Rows are generated from the
 * register rates as the device clock advances.
 */
export class EgaugeSimulator extends HttpDeviceSimulator<EgaugeDataFault> {
  readonly serial: string;
  private readonly clock: () => number;
  private readonly rates = new Map<string, EgaugeSimRegister['rate']>();
  /** Stored rows, oldest first: times[k] (s) and totals[k][register]. */
  private readonly times: number[] = [];
  private readonly totals: bigint[][] = [];
  private epoch = 0;

  constructor(private readonly options: EgaugeSimulatorOptions) {
    super({
      port: options.port,
      auth: options.credentials && { ...options.credentials, scheme: 'digest', realm: 'eGauge Administration' },
    });
    this.serial = options.serial ?? '0x3b6e2c1a';
    this.clock = options.clock ?? Date.now;
    for (const r of options.registers) this.rates.set(r.name, r.rate);
  }

  setRate(name: string, rate: EgaugeSimRegister['rate']): void {
    if (!this.rates.has(name)) throw new Error(`no register "${name}"`);
    this.advance();
    this.rates.set(name, rate);
  }

  /** The stored total of a register at a row time (s), as the device would report it. */
  totalAt(name: string, ts: number): bigint | undefined {
    this.advance();
    const k = this.times.indexOf(ts);
    const i = this.options.registers.findIndex((r) => r.name === name);
    return k < 0 || i < 0 ? undefined : this.totals[k]?.[i];
  }

  /** Generates the rows up to the device clock's current second, dropping those older than keepSeconds. */
  private advance(): void {
    const now = Math.floor(this.clock() / 1000);
    if (this.times.length === 0) {
      const first = now - (this.options.backfillSeconds ?? 600);
      this.epoch = first;
      this.times.push(first);
      this.totals.push(this.options.registers.map((r, i) => r.initialTotal ?? defaultTotal(r.type, i)));
    }
    for (let ts = (this.times.at(-1) as number) + 1; ts <= now; ts++) {
      const previous = this.totals.at(-1) as bigint[];
      this.times.push(ts);
      this.totals.push(
        this.options.registers.map((r, i) => {
          const rate = this.rates.get(r.name) as EgaugeSimRegister['rate'];
          const value = typeof rate === 'function' ? rate(ts) : rate;
          return BigInt.asIntN(64, (previous[i] as bigint) + BigInt(Math.round(value * TOTAL_PER_UNIT_SECOND[r.type])));
        }),
      );
    }
    const excess = this.times.length - (this.options.keepSeconds ?? 3600);
    if (excess > 0) {
      this.times.splice(0, excess);
      this.totals.splice(0, excess);
    }
  }

  protected answer(url: URL, fault: EgaugeDataFault | undefined): SimAnswer | undefined {
    this.advance();
    if (fault === 'not-xml') {
      return { contentType: 'text/html', body: '<html><body><h1>eGauge</h1><p>Please log in</p></body></html>\n' };
    }
    const newest = this.totals.at(-1) as bigint[];
    if (fault === 'spike') newest[0] = (newest[0] as bigint) + SPIKE;
    if (fault === 'reset') newest.fill(0n);
    if (url.pathname === '/cgi-bin/egauge-show') return this.history(url.searchParams, fault === 'nan');
    if (url.pathname === '/cgi-bin/egauge' && url.searchParams.has('inst'))
      return this.instantaneous(url.searchParams, fault === 'nan');
    return undefined;
  }

  private history(params: URLSearchParams, nan: boolean): SimAnswer {
    const unit = params.has('S') ? 1 : params.has('h') ? 3600 : params.has('d') ? 86_400 : 60;
    const delta = unit * (intParam(params, 's') ?? 0) + unit;
    const max = intParam(params, 'n') ?? 60;
    const newestAllowed = Math.min(intParam(params, 'f') ?? Number.POSITIVE_INFINITY, this.times.at(-1) as number);
    const oldestAllowed = intParam(params, 't') ?? Number.NEGATIVE_INFINITY;
    const newest = Math.floor(newestAllowed / unit) * unit;
    const first = this.times[0] as number;
    const rows: string[][] = [];
    for (let ts = newest; rows.length < max && ts >= first && ts >= oldestAllowed; ts -= delta) {
      rows.push((this.totals[ts - first] as bigint[]).map(String));
    }
    if (nan && rows[0]) rows[0][0] = 'NaN';
    const columns = this.options.registers.map((r) => ({ name: r.name, type: r.type }));
    const body = historyXml({ serial: this.serial, epoch: this.epoch, newestTs: newest, delta, columns, rows });
    return { contentType: 'text/xml', body };
  }

  private instantaneous(params: URLSearchParams, nan: boolean): SimAnswer {
    const k = this.totals.length - 1;
    const ts = this.times[k] as number;
    const registers: InstantRegister[] = this.options.registers.map((r, i) => {
      const now = this.totals[k]?.[i] as bigint;
      const before = this.totals[k - 1]?.[i] ?? now;
      const instant = Number(now - before) / TOTAL_PER_UNIT_SECOND[r.type];
      return { name: r.name, type: r.type, did: i, total: String(now), instant: formatInstant(r.type, instant) };
    });
    if (nan && registers[0]) registers[0].instant = 'NaN';
    if (params.has('tot')) {
      const power = registers.filter((r) => r.type === 'P');
      const total = power.reduce((sum, r) => sum + BigInt(r.total), 0n);
      const instant = power.reduce((sum, r) => sum + Number(r.instant), 0);
      registers.push({ name: 'Total Usage', type: 'P', rt: 'total', total: String(total), instant: String(instant) });
    }
    return { contentType: 'text/xml', body: instantaneousXml({ serial: this.serial, ts, registers }) };
  }
}

function intParam(params: URLSearchParams, name: string): number | undefined {
  const raw = params.get(name);
  if (raw === null || raw === '') return undefined;
  const value = Number(raw);
  return Number.isFinite(value) ? Math.floor(value) : undefined;
}

function formatInstant(type: EgaugeSimType, value: number): string {
  return type === 'P' || type === 'S' ? String(Math.round(value)) : value.toFixed(3);
}

/** Totals of the size a meter installed some years ago shows. */
function defaultTotal(type: EgaugeSimType, index: number): bigint {
  const base = {
    P: 55_357_226_851n,
    S: 61_204_113_907n,
    V: 4_511_319_123_106n,
    I: 97_553_402_118n,
    F: 944_129_220_004n,
  };
  return base[type] + BigInt(index) * 1_000_003n;
}
