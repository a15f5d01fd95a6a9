import { performance } from 'node:perf_hooks';
import { charTimeMs, interFrameGapMs, type SerialFraming, waitUntil } from '@wattbus/meter-wire/modbus';
import { SerialPort } from 'serialport';
import type { SlaveBank } from './bank.js';
import { hasValidCrc, withCrc } from './crc.js';

export interface RtuSlaveOptions {
  /** The slave's end of the line, e.g. the B side of a socat PTY pair. */
  path: string;
  framing: SerialFraming;
  /**
   * Answer no sooner than a real line allows: the request's bytes, the 3.5-character silence that ends it,
   * then the answer's bytes, each byte costing its bits at `framing.baud`. A PTY itself is instantaneous.
   */
  lineTiming?: boolean;
}

export interface RtuSlave {
  /** The shortest silence seen before a request began, since the previous frame on the line (ms). */
  readonly minSilenceMs: number;
  /** Requests that arrived while an answer was still due: a master talking over the line. */
  readonly overlaps: number;
  close(): Promise<void>;
}

/** Read requests (function 1-6) are 8 bytes: unit, function, address, count, CRC. */
const REQUEST_BYTES = 8;

/**
 * A Modbus RTU slave serving every unit of `bank` on one serial line. It frames requests itself (by their
 * fixed length and CRC) rather than with modbus-serial's ServerSerial, which cuts frames on a 30 ms silence
 * timer (too slow for line-rate benchmarks), recomputes the request CRC instead of checking it, and offers no
 * way to damage an answer's CRC.
 */
export async function startRtuSlave(bank: SlaveBank, options: RtuSlaveOptions): Promise<RtuSlave> {
  const { framing } = options;
  const port = new SerialPort({
    path: options.path,
    baudRate: framing.baud,
    dataBits: framing.data_bits,
    stopBits: framing.stop_bits,
    parity: framing.parity,
    autoOpen: false,
  });
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  port.on('error', () => {}); // the line going away is expected in tests

  let buffer = Buffer.alloc(0);
  let quietSince = Number.NEGATIVE_INFINITY;
  let minSilenceMs = Number.POSITIVE_INFINITY;
  let answers: Promise<void> = Promise.resolve();
  let pending = 0;
  let overlaps = 0;

  const respond = (request: Buffer, receivedAt: number) => {
    const unit = request[0] ?? 0;
    if (pending > 0) overlaps++;
    const answer = bank.answer(unit, request.subarray(1, 6));
    if (!answer) return;
    pending++;
    const frame = withCrc(Buffer.concat([Buffer.from([unit]), answer.pdu]), answer.corrupt);
    const due = options.lineTiming
      ? receivedAt + (request.length + frame.length) * charTimeMs(framing) + interFrameGapMs(framing)
      : receivedAt;
    answers = answers.then(async () => {
      await waitUntil(due);
      quietSince = performance.now();
      pending--;
      if (port.isOpen) port.write(frame);
    });
  };

  port.on('data', (chunk: Buffer) => {
    const now = performance.now();
    if (buffer.length === 0) minSilenceMs = Math.min(minSilenceMs, now - quietSince);
    buffer = Buffer.concat([buffer, chunk]);
    quietSince = now;
    while (buffer.length >= REQUEST_BYTES) {
      const request = buffer.subarray(0, REQUEST_BYTES);
      if (!hasValidCrc(request)) {
        buffer = buffer.subarray(1); // resynchronise on the next byte
        continue;
      }
      buffer = buffer.subarray(REQUEST_BYTES);
      respond(Buffer.from(request), now);
    }
  });

  return {
    get minSilenceMs() {
      return minSilenceMs;
    },
    get overlaps() {
      return overlaps;
    },
    async close() {
      await answers;
      if (port.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
    },
  };
}
