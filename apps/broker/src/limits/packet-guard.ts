import { Duplex } from 'node:stream';
import { LimitExceededError, SlowReaderError } from '../errors.js';
import { FrameScanner, MALFORMED, PUBLISH, SUBSCRIBE, UNSUBSCRIBE } from './frame-scanner.js';
import { TokenBucket } from './token-bucket.js';

export interface PublishRate {
  perSecond: number;
  burst: number;
  /** throttle: stop reading the client's socket until it is back under the rate; disconnect: drop it. */
  onExceed: 'throttle' | 'disconnect';
}

export interface PacketLimits {
  maxPacketBytes: number;
  publishRate: PublishRate | undefined;
  /** Bytes written to the client and not yet taken by its socket; more destroys the stream. */
  maxBufferedBytes: number;
}

/**
 * The client's byte stream as the broker sees it, with the limits applied as bytes arrive: a packet larger
 * than `maxPacketBytes` kills the connection as soon as its header is read (before Aedes buffers it), and
 * PUBLISH/SUBSCRIBE/UNSUBSCRIBE above the rate either wait, unread, until the rate allows them (TCP
 * backpressure slows the sender, and nobody else) or disconnect the client. Writes go straight through
 * until more than `maxBufferedBytes` wait for a client that does not read: then the client is dropped.
 */
class GuardedStream extends Duplex {
  private readonly scanner = new FrameScanner();
  private readonly bucket: TokenBucket | undefined;
  private wantsData = false;
  private resumeTimer: NodeJS.Timeout | undefined;
  private violation: Error | undefined;

  constructor(
    private readonly inner: Duplex,
    private readonly limits: PacketLimits,
    private readonly onThrottle: () => void,
  ) {
    super({ allowHalfOpen: false });
    const rate = limits.publishRate;
    this.bucket = rate && new TokenBucket(rate.perSecond, rate.burst);
  }

  wire(): this {
    this.inner.on('readable', () => this.pump());
    this.inner.on('end', () => this.push(null));
    this.inner.on('error', (err) => this.destroy(err));
    this.inner.on('close', () => this.destroy());
    return this;
  }

  private readonly check = (type: number, bytes: number, start: number): boolean => {
    if (bytes > this.limits.maxPacketBytes) {
      this.violation ??= new LimitExceededError(
        'max_packet_bytes',
        `a packet of ${bytes} bytes, the limit is ${this.limits.maxPacketBytes}`,
      );
      return true;
    }
    const rate = this.limits.publishRate;
    if (!this.bucket || !rate || (type !== PUBLISH && type !== SUBSCRIBE && type !== UNSUBSCRIBE)) return true;
    if (this.bucket.tryTake()) return true;
    if (rate.onExceed === 'disconnect') {
      this.violation ??= new LimitExceededError(
        'publish_rate',
        `more than ${rate.perSecond} packets per second (burst ${rate.burst})`,
      );
      return true;
    }
    // A header that began in an earlier chunk cannot be held back any more; it costs nothing.
    return start < 0;
  };

  private pump(): void {
    while (this.wantsData && this.resumeTimer === undefined && !this.destroyed) {
      const chunk = this.inner.read() as Buffer | null;
      if (chunk === null) return;
      const scanned = this.scanner.scan(chunk, this.check);
      if (scanned === MALFORMED) this.violation ??= new Error('malformed packet length');
      if (this.violation) {
        this.destroy(this.violation);
        return;
      }
      if (scanned === chunk.length) {
        this.wantsData = this.push(chunk);
        continue;
      }
      // Over the rate: pass what was allowed, keep the rest in the socket's buffer until a token is back.
      this.onThrottle();
      this.resumeTimer = setTimeout(() => {
        this.resumeTimer = undefined;
        this.pump();
      }, this.bucket?.msUntilAvailable() ?? 0);
      this.inner.unshift(chunk.subarray(scanned));
      if (scanned > 0) this.wantsData = this.push(chunk.subarray(0, scanned));
    }
  }

  override _read(): void {
    this.wantsData = true;
    this.pump();
  }

  // Aedes stops waiting for a full socket only after limits.slow_reader.timeout_ms, and what it writes in the
  // meantime (one message per publisher) piles up here: bound it. The bound is on what waited before this write,
  // so one message up to max_packet_bytes always gets through to a client that reads (a 10 MB message would
  // otherwise disconnect every subscriber, and a persistent session would get it redelivered forever).
  override write(chunk: unknown, encoding?: unknown, callback?: unknown): boolean {
    const waiting = this.unsentBytes;
    const ok = (super.write as (...args: unknown[]) => boolean).call(this, chunk, encoding, callback);
    if (!ok && waiting > this.limits.maxBufferedBytes && !this.destroyed) {
      this.destroy(new SlowReaderError(this.unsentBytes, this.limits.maxBufferedBytes));
    }
    return ok;
  }

  /** Bytes written to the client that its socket has not taken yet. */
  get unsentBytes(): number {
    return this.writableLength + this.inner.writableLength;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    if (this.inner.write(chunk)) done();
    else this.inner.once('drain', () => done());
  }

  override _writev(chunks: Array<{ chunk: Buffer }>, done: (error?: Error | null) => void): void {
    this.inner.cork();
    let ok = true;
    for (const { chunk } of chunks) ok = this.inner.write(chunk);
    this.inner.uncork();
    if (ok) done();
    else this.inner.once('drain', () => done());
  }

  override _final(done: (error?: Error | null) => void): void {
    this.inner.end(() => done());
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    clearTimeout(this.resumeTimer);
    this.inner.destroy(error ?? undefined);
    done(error);
  }
}

export type GuardedDuplex = Duplex & { readonly unsentBytes: number };

export function guardStream(inner: Duplex, limits: PacketLimits, onThrottle: () => void): GuardedDuplex {
  return new GuardedStream(inner, limits, onThrottle).wire();
}
