import { describe, expect, it } from 'vitest';
import {
  bitsPerChar,
  charTimeMs,
  describeFraming,
  interFrameGapMs,
  READ_REQUEST_BYTES,
  readLineTimeMs,
  readResponseBytes,
} from './line-timing.js';

const f8E1 = { baud: 9600, parity: 'even', data_bits: 8, stop_bits: 1 } as const;
const f8N1 = { baud: 9600, parity: 'none', data_bits: 8, stop_bits: 1 } as const;

describe('line timing', () => {
  it('counts start, data, parity and stop bits', () => {
    expect(bitsPerChar(f8E1)).toBe(11);
    expect(bitsPerChar(f8N1)).toBe(10);
    expect(bitsPerChar({ ...f8N1, stop_bits: 2 })).toBe(11);
    expect(charTimeMs(f8E1)).toBeCloseTo(11 / 9.6, 9);
  });

  it('uses 3.5 characters between frames, and 1.75 ms above 19200 baud', () => {
    expect(interFrameGapMs(f8E1)).toBeCloseTo((3.5 * 11) / 9.6, 9);
    expect(interFrameGapMs({ ...f8E1, baud: 19_200 })).toBeCloseTo((3.5 * 11) / 19.2, 9);
    expect(interFrameGapMs({ ...f8E1, baud: 38_400 })).toBe(1.75);
    expect(interFrameGapMs({ ...f8E1, baud: 115_200 })).toBe(1.75);
  });

  it('prices one read: request, silence, response, silence', () => {
    expect(READ_REQUEST_BYTES).toBe(8);
    expect(readResponseBytes(80)).toBe(165);
    expect(readLineTimeMs(f8E1, 80)).toBeCloseTo(((8 + 165) * 11) / 9.6 + 2 * interFrameGapMs(f8E1), 9);
    expect(describeFraming(f8E1)).toBe('9600 8E1');
  });
});
