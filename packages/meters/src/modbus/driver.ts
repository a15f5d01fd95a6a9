import type { ValueName } from '@wattbus/contract';
import {
  decodeValue,
  describeFraming,
  interFrameGapMs,
  readLineTimeMs,
  type SerialFraming,
} from '@wattbus/meter-wire/modbus';
import {
  type ChannelSample,
  type DriverChannel,
  type DriverContext,
  type MeterDriver,
  MeterReadError,
} from '../driver.js';
import { type BusHandle, type BusRegistry, sharedBuses } from './bus.js';
import type { ModbusConfig, ModbusRtuConfig } from './config.js';
import { errorMessage, ModbusExceptionError } from './errors.js';
import { planOneByOne, planReads, type ReadBlock, splitRefusedBlock } from './planner.js';
import type { RegisterMap } from './register-map.js';
import { RtuLink } from './rtu-link.js';
import { TcpLink } from './tcp-link.js';
import { ClientTransport } from './transport.js';

/** The serial settings of an RTU meter: the config's, else the model's factory settings, else 9600 8E1. */
export function framingOf(config: ModbusRtuConfig, map: RegisterMap): SerialFraming {
  const factory = map.serialDefaults;
  return {
    baud: config.baud ?? factory?.baud ?? 9600,
    parity: config.parity ?? factory?.parity ?? 'even',
    data_bits: config.data_bits ?? factory?.data_bits ?? 8,
    stop_bits: config.stop_bits ?? factory?.stop_bits ?? 1,
  };
}

/** Channel ids as published: the map's, renamed by `channel_names`. */
function channelIds(config: ModbusConfig, map: RegisterMap): Map<string, string> {
  const names = config.channel_names ?? {};
  for (const from of Object.keys(names)) {
    if (!map.channels.includes(from)) {
      throw new Error(
        `channel_names: model ${map.model} has no channel "${from}" (it has: ${map.channels.join(', ')})`,
      );
    }
  }
  const ids = new Map(map.channels.map((c) => [c, names[c] ?? c]));
  if (new Set(ids.values()).size !== ids.size) throw new Error('channel_names: two channels would get the same id');
  return ids;
}

/**
 * A Modbus meter described by a register map. Meters on the same serial port (or TCP endpoint) share one
 * line: their requests queue, and a line that failed is reopened by the next read.
 */
export class ModbusMeter implements MeterDriver {
  readonly channels: readonly DriverChannel[];
  readonly minIntervalMs: number;
  private readonly ids: Map<string, string>;
  private readonly plan: ReadBlock[];
  private bus: BusHandle | undefined;

  constructor(
    private readonly config: ModbusConfig,
    private readonly ctx: DriverContext,
    private readonly map: RegisterMap,
    private readonly buses: BusRegistry = sharedBuses,
  ) {
    this.ids = channelIds(config, map);
    this.channels = map.channels.map((c) => ({
      id: this.ids.get(c) ?? c,
      values: map.fields.filter((f) => f.channel === c).map((f) => f.value),
    }));
    this.plan = config.coalesce
      ? planReads(map.fields, { maxRegisters: map.maxRegistersPerRead, maxGap: map.maxGapRegisters })
      : planOneByOne(map.fields);
    this.minIntervalMs = Math.max(100, Math.ceil(this.lineTimeMs() ?? 0));
  }

  /** The requests one read makes, in order (it may grow if the device refuses a joined request). */
  get readPlan(): readonly ReadBlock[] {
    return this.plan;
  }

  /** The least time one read occupies a serial line; undefined over TCP. */
  lineTimeMs(): number | undefined {
    if (this.config.transport !== 'rtu') return undefined;
    const framing = framingOf(this.config, this.map);
    const gap = this.config.inter_frame_ms ?? interFrameGapMs(framing);
    return this.plan.reduce((sum, block) => sum + readLineTimeMs(framing, block.count, gap), 0);
  }

  async open(): Promise<void> {
    if (this.bus) return;
    let bus: BusHandle;
    try {
      bus = this.acquireLine();
      await bus.connect().catch(async (err: unknown) => {
        await bus.release();
        throw err;
      });
    } catch (err) {
      throw this.failure(err);
    }
    this.bus = bus;
  }

  async read(now: number): Promise<ChannelSample[]> {
    const bus = this.bus;
    if (!bus) throw new MeterReadError(this.ctx.meterId, 'read before open');
    const values = new Map<string, Partial<Record<ValueName, number>>>(this.map.channels.map((c) => [c, {}]));
    for (let i = 0; i < this.plan.length; ) {
      const block = this.plan[i] as ReadBlock;
      let words: number[];
      try {
        words = await bus.read(
          { unit: this.config.unit_id, fc: block.fc, address: block.address, count: block.count },
          this.config.timeout_ms,
        );
      } catch (err) {
        const smaller = err instanceof ModbusExceptionError ? splitRefusedBlock(block, err.code) : undefined;
        if (!smaller) throw this.failure(err);
        this.plan.splice(i, 1, ...smaller);
        continue;
      }
      for (const field of block.fields) {
        const value = decodeValue(words, block.address, field);
        const channel = values.get(field.channel);
        if (value !== undefined && channel) channel[field.value] = value;
      }
      i++;
    }
    return this.map.channels.map((c) => ({ channel: this.ids.get(c) ?? c, ts: now, values: values.get(c) ?? {} }));
  }

  async close(): Promise<void> {
    const bus = this.bus;
    this.bus = undefined;
    await bus?.release();
  }

  private acquireLine(): BusHandle {
    const config = this.config;
    const user = { meterId: this.ctx.meterId, unit: config.unit_id };
    if (config.transport === 'tcp') {
      const key = `tcp://${config.host}:${config.port}`;
      return this.buses.acquire(
        key,
        'tcp',
        user,
        () => new ClientTransport(new TcpLink(config.host, config.port, config.timeout_ms)),
      );
    }
    const framing = framingOf(config, this.map);
    const gap = config.inter_frame_ms ?? interFrameGapMs(framing);
    const settings = `${describeFraming(framing)}, ${gap.toFixed(2)} ms between frames`;
    return this.buses.acquire(
      config.port,
      settings,
      user,
      () => new ClientTransport(new RtuLink(config.port, framing, gap)),
    );
  }

  private failure(err: unknown): MeterReadError {
    if (err instanceof MeterReadError) return err;
    return new MeterReadError(this.ctx.meterId, errorMessage(err), { cause: err });
  }
}
