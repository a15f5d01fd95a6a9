export type Parity = 'none' | 'even' | 'odd';

/** Serial character framing: what one byte costs on the wire. */
export interface SerialFraming {
  baud: number;
  parity: Parity;
  data_bits: 7 | 8;
  stop_bits: 1 | 2;
}

/** A read request (unit, fc, address, count) plus CRC. */
export const READ_REQUEST_BYTES = 8;

/** Unit, fc, byte count, the registers, CRC. */
export function readResponseBytes(registers: number): number {
  return 5 + 2 * registers;
}

export function bitsPerChar(f: SerialFraming): number {
  return 1 + f.data_bits + (f.parity === 'none' ? 0 : 1) + f.stop_bits;
}

export function charTimeMs(f: SerialFraming): number {
  return (bitsPerChar(f) * 1000) / f.baud;
}

/**
 * The silent interval that delimits RTU frames: 3.5 character times, but a fixed 1.75 ms above 19200 baud
 * (Modbus over serial line v1.02, §2.5.1.1), where the character time gets too short for UART timers.
 */
export function interFrameGapMs(f: SerialFraming): number {
  return f.baud > 19_200 ? 1.75 : 3.5 * charTimeMs(f);
}

/**
 * The shortest time one read transaction can occupy the line: the request, the silence that ends it, the
 * response, and the silence before the next request.
 */
export function readLineTimeMs(f: SerialFraming, registers: number, gapMs = interFrameGapMs(f)): number {
  return (READ_REQUEST_BYTES + readResponseBytes(registers)) * charTimeMs(f) + 2 * gapMs;
}

export function describeFraming(f: SerialFraming): string {
  return `${f.baud} ${f.data_bits}${f.parity[0]?.toUpperCase()}${f.stop_bits}`;
}
