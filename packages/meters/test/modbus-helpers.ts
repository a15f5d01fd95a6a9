import type { SerialFraming } from '@wattbus/meter-wire/modbus';
import { type RtuSlave, SlaveBank, startRtuSlave, startTcpSlave, type TcpSlave } from '@wattbus/simulators/modbus';
import { makePtyPair, type PtyPair } from '@wattbus/testkit';
import { MeterReadError } from '../src/driver.js';
import type { ModbusRtuConfig, ModbusTcpConfig } from '../src/modbus/config.js';
import { ModbusMeter } from '../src/modbus/driver.js';
import { registerMap } from '../src/modbus/models.js';

export const F9600_8N1: SerialFraming = { baud: 9600, parity: 'none', data_bits: 8, stop_bits: 1 };
export const F9600_8E1: SerialFraming = { baud: 9600, parity: 'even', data_bits: 8, stop_bits: 1 };

/** Everything a test starts, stopped in reverse order by cleanup(). */
export class Rig {
  private readonly stops: Array<() => Promise<unknown>> = [];

  defer(stop: () => Promise<unknown>): void {
    this.stops.push(stop);
  }

  async cleanup(): Promise<void> {
    for (const stop of this.stops.reverse()) await stop().catch(() => {});
    this.stops.length = 0;
  }

  /** A socat PTY pair with an RTU slave serving `bank` on its B side. */
  async rtuLine(
    bank: SlaveBank,
    framing: SerialFraming,
    options: { dir?: string; lineTiming?: boolean } = {},
  ): Promise<{ pty: PtyPair; slave: RtuSlave }> {
    const pty = await makePtyPair(options.dir === undefined ? {} : { dir: options.dir });
    this.defer(() => pty.stop());
    const slave = await startRtuSlave(bank, { path: pty.b, framing, lineTiming: options.lineTiming ?? false });
    this.defer(() => slave.close());
    return { pty, slave };
  }

  async tcpServer(bank: SlaveBank, port?: number): Promise<TcpSlave> {
    const slave = await startTcpSlave(bank, port === undefined ? {} : { port });
    this.defer(() => slave.close());
    return slave;
  }

  /** An opened meter (closed at cleanup). */
  async meter(config: ModbusRtuConfig | ModbusTcpConfig, meterId = 'm1'): Promise<ModbusMeter> {
    const meter = new ModbusMeter(config, { meterId }, registerMap(config.model));
    this.defer(() => meter.close());
    await meter.open();
    return meter;
  }
}

export function rtuConfig(port: string, model: string, over: Partial<ModbusRtuConfig> = {}): ModbusRtuConfig {
  return { transport: 'rtu', port, model, unit_id: 1, timeout_ms: 1000, coalesce: true, ...over };
}

export function tcpConfig(port: number, model: string, over: Partial<ModbusTcpConfig> = {}): ModbusTcpConfig {
  return { transport: 'tcp', host: '127.0.0.1', port, model, unit_id: 1, timeout_ms: 1000, coalesce: true, ...over };
}

/** The MeterReadError a read fails with (fails the test if the read succeeds or fails otherwise). */
export async function readError(meter: ModbusMeter, now = Date.now()): Promise<MeterReadError> {
  const outcome = await meter.read(now).then(
    () => new Error('expected the read to fail'),
    (err: unknown) => err,
  );
  if (!(outcome instanceof MeterReadError)) throw outcome;
  return outcome;
}

export { SlaveBank };
