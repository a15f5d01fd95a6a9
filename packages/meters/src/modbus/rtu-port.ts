import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import type { SerialFraming } from '@wattbus/meter-wire/modbus';
import type { SerialPort } from 'serialport';

/**
 * The port object modbus-serial's ModbusRTU client drives (open, close, write, isOpen, one 'data' event per
 * whole frame), on a serialport SerialPort. Unlike modbus-serial's RTUBufferedPort it drops stale bytes when
 * a request goes out, so a late answer to a timed-out request is never taken for the next one, and it
 * records when the last byte arrived, for the inter-frame gap.
 */
export class RtuFramePort extends EventEmitter {
  /** performance.now() when the last byte was received. */
  lastByteAt = Number.NEGATIVE_INFINITY;
  // ModbusRTU keeps its transaction ids on the port object.
  _transactionIdRead = 1;
  _transactionIdWrite = 1;
  private serial: SerialPort | undefined;
  private buffer = Buffer.alloc(0);
  private expected: { unit: number; fc: number; length: number } | undefined;

  constructor(
    private readonly path: string,
    private readonly framing: SerialFraming,
    private readonly SerialPortClass: typeof SerialPort,
  ) {
    super();
  }

  get isOpen(): boolean {
    return this.serial?.isOpen ?? false;
  }

  open(callback: (err: Error | null) => void): void {
    const serial = new this.SerialPortClass({
      path: this.path,
      baudRate: this.framing.baud,
      dataBits: this.framing.data_bits,
      stopBits: this.framing.stop_bits,
      parity: this.framing.parity,
      autoOpen: false,
    });
    serial.on('data', (chunk: Buffer) => this.receive(chunk));
    serial.on('error', (err: Error) => this.forward('error', err));
    serial.on('close', (err: Error | null) => this.forward('close', err));
    this.serial = serial;
    serial.open((err) => callback(err ?? null));
  }

  close(callback?: (err: Error | null) => void): void {
    const serial = this.serial;
    if (!serial?.isOpen) {
      callback?.(null);
      return;
    }
    serial.close((err) => callback?.(err ?? null));
  }

  write(frame: Buffer): void {
    const unit = frame[0] ?? 0;
    const fc = frame[1] ?? 0;
    const length = fc === 3 || fc === 4 ? 5 + 2 * frame.readUInt16BE(4) : 8;
    this.expected = { unit, fc, length };
    this.buffer = Buffer.alloc(0);
    this.serial?.write(frame, (err) => {
      if (err) this.forward('error', err);
    });
  }

  /** Nobody may be listening once ModbusRTU has closed; an unheard 'error' would crash the process. */
  private forward(event: 'error' | 'close', arg: Error | null): void {
    if (this.listenerCount(event) > 0) this.emit(event, arg);
  }

  private receive(chunk: Buffer): void {
    this.lastByteAt = performance.now();
    const expected = this.expected;
    if (!expected) return;
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (let i = 0; i + 1 < this.buffer.length; i++) {
      if (this.buffer[i] !== expected.unit) continue;
      const code = this.buffer[i + 1];
      const length = code === expected.fc ? expected.length : code === (expected.fc | 0x80) ? 5 : 0;
      if (length === 0) continue;
      if (this.buffer.length - i < length) return;
      const frame = Buffer.from(this.buffer.subarray(i, i + length));
      this.expected = undefined;
      this.buffer = Buffer.alloc(0);
      this.emit('data', frame);
      return;
    }
  }
}
