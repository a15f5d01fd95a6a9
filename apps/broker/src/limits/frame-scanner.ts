export const PUBLISH = 3;
export const SUBSCRIBE = 8;
export const UNSUBSCRIBE = 10;

/**
 * Decides about a packet from its fixed header. `start` is where the header begins in the chunk being scanned
 * (-1 if it began in an earlier chunk). Returning false stops the scan just before this packet.
 */
export type HeaderCheck = (type: number, bytes: number, start: number) => boolean;

/** scan() result for a remaining length longer than 4 bytes. */
export const MALFORMED = -1;

/**
 * Follows the MQTT fixed headers (type, remaining length) through a byte stream without buffering it, so
 * the size of a packet is known from its first bytes, before anyone has to hold the packet in memory.
 */
export class FrameScanner {
  private inLength = false;
  private type = 0;
  private length = 0;
  private multiplier = 1;
  private lengthBytes = 0;
  private skip = 0;

  /**
   * Calls `check` with the packet type and the size of the whole packet (fixed header included) for every
   * header completed in `chunk`. Returns how many bytes were scanned: all of them, or the offset of the
   * packet `check` stopped at (the next scan starts with that packet again); MALFORMED for a bad length.
   */
  scan(chunk: Buffer, check: HeaderCheck): number {
    let start = this.inLength ? -1 : 0;
    let i = 0;
    while (i < chunk.length) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - i);
        this.skip -= n;
        i += n;
        continue;
      }
      const byte = chunk[i++] as number;
      if (!this.inLength) {
        start = i - 1;
        this.type = byte >> 4;
        this.inLength = true;
        this.length = 0;
        this.multiplier = 1;
        this.lengthBytes = 0;
        continue;
      }
      this.length += (byte & 0x7f) * this.multiplier;
      this.multiplier *= 128;
      this.lengthBytes++;
      if (byte & 0x80) {
        if (this.lengthBytes === 4) return MALFORMED;
        continue;
      }
      this.inLength = false;
      if (!check(this.type, 1 + this.lengthBytes + this.length, start) && start >= 0) return start;
      this.skip = this.length;
    }
    return chunk.length;
  }
}
