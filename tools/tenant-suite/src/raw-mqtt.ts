import { connect as connectTcp, type Socket } from 'node:net';
import { connect } from 'node:tls';
import { mqttPacket, mqttString, mqttU16 } from '@wattbus/testkit';

export interface RawLogin {
  /** The broker's TLS listener, and the CA that signed its certificate. */
  port: number;
  ca: Buffer;
  clientId: string;
  username: string;
  password: string;
  clean?: boolean;
  will?: { topic: string; payload: Buffer; retain: boolean };
}

/** What became of a QoS1 PUBLISH: the broker acknowledged it, or closed the connection instead. */
export type PublishOutcome = 'acked' | 'closed';

/**
 * An MQTT 3.1.1 client over TLS (the listener households reach) that writes its packets byte by byte, for what
 * mqtt.js will not send: topics with NUL or ill-formed UTF-8, packets over the broker's limit, a socket never read.
 * It binds a loopback address of its own (127.0.0.2), so the hostile tenant's connections do not spend the
 * per-address connection budget of the services on 127.0.0.1.
 */
export class RawMqtt {
  private buffered = Buffer.alloc(0);
  private nextId = 1;
  private readonly waiting = new Map<number, (outcome: PublishOutcome) => void>();
  private readonly acks: Array<(code: number) => void> = [];
  closed = false;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => {});
    socket.on('close', () => {
      this.closed = true;
      for (const resolve of this.waiting.values()) resolve('closed');
      this.waiting.clear();
      for (const resolve of this.acks.splice(0)) resolve(-1);
    });
  }

  /** Connects and returns the client with the CONNACK's return code (-1: closed without one). */
  static async open(login: RawLogin): Promise<{ client: RawMqtt; code: number }> {
    const tcp = connectTcp({ port: login.port, host: '127.0.0.1', localAddress: '127.0.0.2' });
    tcp.on('error', () => {});
    const socket = connect({ socket: tcp, host: '127.0.0.1', ca: login.ca });
    const client = new RawMqtt(socket);
    const flags = 0b1100_0000 | (login.clean === false ? 0 : 0b10) | (login.will ? 0b100 | 0b1000 : 0); // QoS1 Will
    const willFlags = login.will?.retain ? 0b10_0000 : 0;
    const header = Buffer.concat([mqttString('MQTT'), Buffer.from([4, flags | willFlags]), mqttU16(30)]);
    const will = login.will ? [mqttString(login.will.topic), mqttString(login.will.payload)] : [];
    const code = client.nextAck();
    socket.write(
      mqttPacket(
        0x10,
        header,
        mqttString(login.clientId),
        ...will,
        mqttString(login.username),
        mqttString(login.password),
      ),
    );
    return { client, code: await code };
  }

  private nextAck(): Promise<number> {
    return new Promise((resolve) => (this.closed ? resolve(-1) : this.acks.push(resolve)));
  }

  /** A QoS1 PUBLISH of exactly these topic bytes; resolves on its PUBACK or when the broker closes the connection. */
  publish(topic: string | Buffer, payload: Buffer, retain = false): Promise<PublishOutcome> {
    if (this.closed) return Promise.resolve('closed');
    const id = this.nextId;
    this.nextId = (this.nextId % 65_535) + 1;
    const done = new Promise<PublishOutcome>((resolve) => this.waiting.set(id, resolve));
    this.socket.write(mqttPacket(0x32 | (retain ? 1 : 0), mqttString(topic), mqttU16(id), payload));
    return done;
  }

  /** SUBSCRIBE; resolves with the SUBACK's return code. */
  subscribe(filter: string, qos: 0 | 1 = 0): Promise<number> {
    const code = this.nextAck();
    this.socket.write(mqttPacket(0x82, mqttU16(this.nextId++), mqttString(filter), Buffer.from([qos])));
    return code;
  }

  /** Stops reading the socket: what the broker sends piles up in the kernel's buffers, then in the broker's. */
  stall(): void {
    this.socket.pause();
  }

  /** Reads again (and drops what arrived), so that a close by the broker becomes visible. */
  unstall(): void {
    this.buffered = Buffer.alloc(0);
    this.socket.removeAllListeners('data');
    this.socket.on('data', () => {});
    this.socket.resume();
  }

  /** Closes the TCP connection without a DISCONNECT: the broker publishes the Will. */
  drop(): void {
    this.socket.destroy();
  }

  /** A clean DISCONNECT: no Will. */
  async end(): Promise<void> {
    if (this.closed) return;
    const closed = new Promise<void>((resolve) => this.socket.once('close', () => resolve()));
    this.socket.end(Buffer.from([0xe0, 0]));
    await Promise.race([closed, new Promise((r) => setTimeout(r, 2_000))]);
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.buffered = Buffer.concat([this.buffered, chunk]);
    for (;;) {
      let length = 0;
      let multiplier = 1;
      let i = 1;
      for (; i < this.buffered.length && i <= 4; i++) {
        const byte = this.buffered[i] as number;
        length += (byte & 0x7f) * multiplier;
        multiplier *= 128;
        if ((byte & 0x80) === 0) break;
      }
      if (i >= this.buffered.length || this.buffered.length < i + 1 + length) return;
      const type = (this.buffered[0] as number) >> 4;
      const body = this.buffered.subarray(i + 1, i + 1 + length);
      this.buffered = this.buffered.subarray(i + 1 + length);
      if (type === 2) this.acks.shift()?.((body[1] as number) ?? -1); // CONNACK
      if (type === 9) this.acks.shift()?.((body[2] as number) ?? -1); // SUBACK
      if (type === 4) {
        const id = body.readUInt16BE(0);
        this.waiting.get(id)?.('acked');
        this.waiting.delete(id);
      }
    }
  }
}
