import { connect as netConnect, type Socket } from 'node:net';
import type { Publisher } from '@wattbus/loadgen-core';

/**
 * A QoS1 MQTT 3.1.1 publisher over plain TCP that does only what the load generator needs: the benchmarks' generator
 * shares two cores with the broker, the store and the consumer under test, and mqtt.js spent ≈ 20 µs of CPU per
 * reading there (a stream write per packet field, a store entry and debug calls per message). This one builds each
 * PUBLISH in one buffer, writes what a loop turn published in one socket write, and reads PUBACKs in place.
 * No TLS, no auth, no reconnect: a broken connection fails every message in flight.
 */
export class LeanPublisher implements Publisher {
  private readonly inFlight = new Map<number, (err?: Error) => void>();
  private readonly topics = new Map<string, Buffer>();
  private queued: Buffer[] = [];
  private flushing = false;
  private nextId = 1;
  private input: Buffer = Buffer.alloc(0);
  private idle: (() => void) | undefined;
  private failure: Error | undefined;

  private constructor(private readonly socket: Socket) {}

  /** Connects (clean session, no keepalive) and resolves once the broker accepted the CONNECT. */
  static async connect(url: string, clientId: string): Promise<LeanPublisher> {
    const { hostname, port, protocol } = new URL(url);
    if (protocol !== 'mqtt:') throw new Error(`LeanPublisher speaks mqtt:// only, not ${protocol}`);
    const socket = netConnect({ host: hostname, port: Number(port || 1883) });
    socket.setNoDelay(true);
    const publisher = new LeanPublisher(socket);
    await new Promise<void>((resolve, reject) => {
      const fail = (err: Error) => reject(err);
      socket.once('error', fail);
      publisher.onConnack = (code) => {
        socket.off('error', fail);
        if (code === 0) resolve();
        else reject(new Error(`CONNACK refused: return code ${code}`));
      };
      socket.on('data', (chunk) => publisher.read(chunk));
      socket.write(connectPacket(clientId));
    });
    socket.on('error', (err) => publisher.fail(err));
    socket.on('close', () => publisher.fail(new Error('connection closed')));
    return publisher;
  }

  private onConnack: (code: number) => void = () => {};

  publish(topic: string, payload: string, options: { qos: 0 | 1 }, callback: (err?: Error) => void): void {
    if (this.failure) {
      callback(this.failure);
      return;
    }
    let topicBytes = this.topics.get(topic);
    if (!topicBytes) {
      topicBytes = Buffer.from(topic);
      this.topics.set(topic, topicBytes);
    }
    const payloadLength = Buffer.byteLength(payload);
    const qos1 = options.qos === 1;
    const remaining = 2 + topicBytes.length + (qos1 ? 2 : 0) + payloadLength;
    const packet = Buffer.allocUnsafe(1 + varintLength(remaining) + remaining);
    packet[0] = qos1 ? 0x32 : 0x30;
    let at = writeVarint(packet, 1, remaining);
    at = packet.writeUInt16BE(topicBytes.length, at);
    at += topicBytes.copy(packet, at);
    if (qos1) {
      const id = this.takeId();
      at = packet.writeUInt16BE(id, at);
      this.inFlight.set(id, callback);
    }
    packet.write(payload, at);
    this.queued.push(packet);
    if (!this.flushing) {
      this.flushing = true;
      setImmediate(() => this.flush());
    }
    if (!qos1) queueMicrotask(() => callback());
  }

  /** Waits for every PUBACK, then disconnects. */
  async end(): Promise<void> {
    if (this.inFlight.size > 0 && !this.failure) await new Promise<void>((resolve) => (this.idle = resolve));
    if (this.socket.destroyed) return;
    await new Promise<void>((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.end(Buffer.from([0xe0, 0x00]));
    });
  }

  private takeId(): number {
    if (this.inFlight.size >= 0xffff) throw new Error('65,535 messages in flight: no free message id');
    while (this.inFlight.has(this.nextId)) this.nextId = (this.nextId % 0xffff) + 1;
    const id = this.nextId;
    this.nextId = (id % 0xffff) + 1;
    return id;
  }

  private flush(): void {
    this.flushing = false;
    const packets = this.queued;
    this.queued = [];
    if (packets.length > 0 && !this.socket.destroyed) this.socket.write(Buffer.concat(packets));
  }

  private read(chunk: Buffer): void {
    const data = this.input.length > 0 ? Buffer.concat([this.input, chunk]) : chunk;
    let at = 0;
    while (at + 2 <= data.length) {
      let length = 0;
      let shift = 0;
      let i = at + 1;
      for (; i < data.length && i < at + 5; i++) {
        const byte = data[i] as number;
        length |= (byte & 0x7f) << shift;
        shift += 7;
        if ((byte & 0x80) === 0) break;
      }
      if (i >= data.length || at + 1 + (i - at) + length > data.length) break; // incomplete packet
      const body = i + 1;
      const type = (data[at] as number) >> 4;
      if (type === 4 && length >= 2) this.acked(data.readUInt16BE(body));
      else if (type === 2 && length >= 2) this.onConnack(data[body + 1] as number);
      at = body + length;
    }
    this.input = at < data.length ? data.subarray(at) : Buffer.alloc(0);
  }

  private acked(id: number): void {
    const callback = this.inFlight.get(id);
    if (!callback) return;
    this.inFlight.delete(id);
    callback();
    if (this.inFlight.size === 0) this.idle?.();
  }

  private fail(err: Error): void {
    this.failure ??= err;
    const callbacks = [...this.inFlight.values()];
    this.inFlight.clear();
    for (const callback of callbacks) callback(err);
    this.idle?.();
  }
}

function varintLength(n: number): number {
  return n < 128 ? 1 : n < 16_384 ? 2 : n < 2_097_152 ? 3 : 4;
}

function writeVarint(buf: Buffer, offset: number, n: number): number {
  let at = offset;
  let rest = n;
  do {
    let byte = rest % 128;
    rest = Math.floor(rest / 128);
    if (rest > 0) byte |= 0x80;
    buf[at++] = byte;
  } while (rest > 0);
  return at;
}

/** CONNECT, MQTT 3.1.1, clean session, keepalive 0 (the generator is never idle long enough to need pings). */
function connectPacket(clientId: string): Buffer {
  const id = Buffer.from(clientId);
  const variable = Buffer.from([0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x04, 0x02, 0x00, 0x00]);
  const remaining = variable.length + 2 + id.length;
  const packet = Buffer.allocUnsafe(1 + varintLength(remaining) + remaining);
  packet[0] = 0x10;
  let at = writeVarint(packet, 1, remaining);
  at += variable.copy(packet, at);
  at = packet.writeUInt16BE(id.length, at);
  id.copy(packet, at);
  return packet;
}
