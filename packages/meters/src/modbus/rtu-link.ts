import { type SerialFraming, waitUntil } from '@wattbus/meter-wire/modbus';
import { RtuFramePort } from './rtu-port.js';
import { type Link, type ModbusClient, ModbusRTU } from './transport.js';

/** A serial line: modbus-serial's client on our framing port, keeping the inter-frame gap before each request. */
export class RtuLink implements Link {
  readonly reopenAfterTimeout = false;
  private port: RtuFramePort | undefined;

  constructor(
    readonly target: string,
    private readonly framing: SerialFraming,
    private readonly gapMs: number,
  ) {}

  async open(): Promise<ModbusClient> {
    // Loaded on first use: the native serial binding must not stop an agent that has no serial meters.
    const { SerialPort } = await import('serialport');
    const port = new RtuFramePort(this.target, this.framing, SerialPort);
    const client = new ModbusRTU(port);
    await new Promise<void>((resolve, reject) => client.open((err: unknown) => (err ? reject(err) : resolve())));
    this.port = port;
    return client;
  }

  async shut(client: ModbusClient): Promise<void> {
    this.port = undefined;
    await new Promise<void>((resolve) => client.close(() => resolve()));
  }

  async beforeRequest(): Promise<void> {
    await waitUntil((this.port?.lastByteAt ?? 0) + this.gapMs);
  }
}
