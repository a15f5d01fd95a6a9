/** MQTT 3.1.1 packets built byte by byte, for test clients that misbehave in ways mqtt.js will not. */

/** The variable-length "remaining length" of a fixed header (§2.2.3). */
function remainingLength(n: number): Buffer {
  const bytes: number[] = [];
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    bytes.push(byte);
  } while (n > 0);
  return Buffer.from(bytes);
}

/** A whole packet: its first byte (type and flags), the remaining length, then `parts`. */
export function mqttPacket(firstByte: number, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  return Buffer.concat([Buffer.from([firstByte]), remainingLength(body.length), body]);
}

/** A length-prefixed MQTT string; a Buffer is taken as raw bytes (for NUL or ill-formed UTF-8). */
export function mqttString(value: string | Buffer): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  const length = Buffer.alloc(2);
  length.writeUInt16BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

/** A two-byte integer, e.g. a packet id. */
export const mqttU16 = (n: number) => Buffer.from([n >> 8, n & 0xff]);
